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
  @GP-4.1 @GP-4.2 @GP-4.9 @GP-5.3 @GP-5.4 @GP-5.5 @GP-5.6 @GP-5.7 @GP-5.8 @GP-5.10 @GP-5.11
  @GP-5.12 @GP-5.13 @GP-5.14 @GP-5.15 @GP-5.18 @GP-7.2 @GP-7.3 @GP-2.7 @GP-2.8 @GP-9.1 @GP-9.2
  Scenario: Alice gets actionable advice on her AI spend and watches the agent work
    Given Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    Then Alice's message is accepted promptly
    And Alice's question is in her history as soon as it is acknowledged
    And Alice watches the agent start, think, use its tools and complete
    And Alice receives actionable recommendations
    And Alice finds the conversation in her history
