@agent_events
Feature: Exactly once — a retried message is answered once and never lost

  Business Value Justification
    Segment:        every user on a flaky connection (mobile, trains, hotel Wi-Fi)
    Business goal:  trust in the conversation record, and no double billing
    Value impact:   apps re-send a message when an acknowledgement is lost; the
                    user must see one question, one run and one answer
    Revenue at risk: duplicate runs double the inference cost of a retry and
                    show users repeated answers; lost messages destroy trust

  @mission_critical @e2e @GP-7.1 @GP-7.2 @GP-7.3
  Scenario: A message re-sent after a lost acknowledgement starts no second run
    Given Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And Alice's app sends the same message again
    Then Alice gets the same acknowledgement both times
    And Alice watches the agent start, think, use its tools and complete
    And only one run answers Alice's message
    And Alice finds the conversation in her history

  @e2e @GP-7.1 @GP-7.2
  Scenario: A message re-sent from another tab gets the same acknowledgement and starts no second run
    Given Alice is signed in
    And Alice has the chat open in 2 tabs
    When Alice asks the agent to analyse her AI spend
    And Alice's app sends the same message again from her other tab
    Then Alice gets the same acknowledgement both times
    And Alice watches the agent start, think, use its tools and complete
    And only one run answers Alice's message
    And Alice finds the conversation in her history
