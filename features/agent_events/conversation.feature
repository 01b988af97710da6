@agent_events
Feature: A conversation — several runs, several tools, and a patient agent

  Business Value Justification
    Segment:        engaged users who dig into their spend over several questions
    Business goal:  depth of use; follow-up questions are where upgrades happen
    Value impact:   every answer in a conversation arrives with the same five
                    live events, and the whole exchange is kept in order
    Revenue at risk: a second question that hangs, or a history that loses
                    or reorders answers, ends the session and the upsell

  @e2e @GP-4.6 @GP-5.3 @GP-5.4 @GP-5.7 @GP-7.2 @GP-7.3 @GP-2.7
  Scenario: Alice asks a follow-up in the same conversation and both answers are kept in order
    Given Alice is signed in
    And Alice has a conversation with the agent about her AI spend
    When Alice asks a follow-up question in the same conversation
    Then Alice's message is accepted promptly
    And Alice watches the agent start, think, use its tools and complete
    And Alice finds the conversation in her history

  @e2e @needs_control @GP-1.12 @GP-5.14 @GP-5.8
  Scenario: A slow agent keeps Alice informed at every step
    Given the agent takes its time over each step
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    Then Alice watches the agent start, think, use its tools and complete
    And every step of Alice's run took at least the agent's pace
    And Alice receives actionable recommendations

  @e2e @GP-4.13 @GP-4.10
  Scenario Outline: Alice asks in a conversation that <what>, and is told it does not exist
    Given Alice is signed in
    And Alice has the chat open
    When Alice asks the agent in a conversation that <what>
    Then Alice is told the conversation does not exist
    And nothing was written in the conversation Alice named

    Examples:
      | what                                 |
      | nobody ever started                  |
      | is named by something that is no id  |
