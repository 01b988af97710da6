@user_isolation
Feature: User isolation — every user sees only their own conversation, at any concurrency

  Business Value Justification
    Segment:        every customer, and every enterprise security review
    Business goal:  no cross-customer data exposure, ever
    Value impact:   each connection gets a context of its own: its user's runs,
                    threads and history, and nothing of anyone else's
    Revenue at risk: one leaked conversation is a reportable privacy incident,
                    a lost enterprise deal and a headline; the seed plan's
                    per-user factory exists to prevent exactly this

  @mission_critical @e2e @needs_users @GP-5.2 @GP-5.3 @GP-5.7
  Scenario: Many users run the agent at the same moment and each sees only their own run
    Given many users are signed in, each with the chat open
    When they all ask the agent to analyse their AI spend at the same moment
    Then every one of them watches their own run complete, following every event rule
    And nobody receives a single frame of anybody else's run

  @mission_critical @e2e @needs_users @GP-4.13 @GP-4.10
  Scenario: Bob cannot post into Alice's conversation
    Given Alice is signed in
    And Alice has the chat open
    And Bob is signed in
    And Bob has the chat open
    When Alice asks the agent to analyse her AI spend
    And Bob tries to post into Alice's conversation
    Then Bob is told the conversation does not exist
    And Alice's conversation holds nothing Bob wrote

  @mission_critical @e2e @needs_users @GP-2.11
  Scenario: Bob cannot read Alice's conversation
    Given Alice is signed in
    And Alice has the chat open
    And Bob is signed in
    When Alice asks the agent to analyse her AI spend
    And Bob tries to read Alice's conversation
    Then Bob is told that conversation does not exist, and sees nothing of it
