@agent_events
Feature: Failure is never silent — a run that cannot finish still ends, explicitly

  Business Value Justification
    Segment:        every user whose run hits a failing tool or dependency
    Business goal:  users trust the chat even when something breaks
    Value impact:   a failed run closes its open tool calls and ends with an
                    explained, retryable error instead of hanging forever
    Revenue at risk: the seed plan's second critical issue — agents failing
                    silently; a spinner that never stops is worse than an error,
                    because the user cannot act on it

  @mission_critical @e2e @needs_control @GP-5.16 @GP-5.9 @GP-5.4 @GP-5.5 @GP-5.7
  Scenario: The chat database fails while the agent uses a tool, and Alice is told so
    Given a chat service with a patient agent, whose database and cache can fail
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And the chat database goes down while the agent is using a tool
    Then Alice is told the run failed, with an explanation, within seconds of the failure

  @e2e @needs_control @GP-5.4 @GP-5.16 @GP-5.9 @GP-5.7
  Scenario: The chat database goes down the moment Alice's message is acknowledged, and she still sees a thought and why
    Given a chat service whose database answers a little slowly, and can fail
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And the chat database goes down the moment Alice's message is acknowledged
    Then Alice is told the run failed, with an explanation, within seconds of the failure
