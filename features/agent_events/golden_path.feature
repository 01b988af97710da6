@agent_events
Feature: Golden path — a signed-in user gets live, actionable advice from the agent

  Business Value Justification
    Segment:        every tier, from free trials to enterprise accounts
    Business goal:  conversion and retention; this flow is the product
    Value impact:   a user sees the agent work in real time and leaves with
                    concrete savings on her AI spend, which is why she pays
    Revenue at risk: all chat revenue (the seed plan puts it at $500K+ ARR):
                    a chat that looks frozen, loses an answer or gives
                    nothing actionable is abandoned, and trials do not convert

  @mission_critical @e2e
  Scenario: Alice gets actionable advice on her AI spend and watches the agent work
    Given Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    Then Alice's message is accepted promptly
    And Alice watches the agent start, think, use its tools and complete
    And Alice receives actionable recommendations
    And Alice finds the conversation in her history
