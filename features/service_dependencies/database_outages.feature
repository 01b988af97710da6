@service_dependencies
Feature: Database outages — users are told, the service says so, and nothing is lost

  Business Value Justification
    Segment:        every user who is chatting when PostgreSQL fails or slows
    Business goal:  100% graceful degradation communication (the seed plan's
                    target): a complete run or an explicit, retryable error —
                    never silence — and recovery without a restart
    Value impact:   users know to retry, load balancers know to route away,
                    and a retried message is answered exactly once
    Revenue at risk: the seed plan's second critical issue — the socket
                    connects but the agent fails silently; users who get
                    silence assume the product is broken and churn

  @mission_critical @integration @needs_control
  Scenario: With the database down, Alice is told to retry and the service reports itself unavailable
    Given a chat service whose database and cache the test can break
    And Alice is signed in
    And Alice has the chat open
    When the chat database goes down
    And Alice asks the agent to analyse her AI spend
    Then Alice is told within seconds that the service is unavailable and that she can retry
    And the chat service reports itself unavailable
    And a chat Alice opens now warns that the database is degraded

  @mission_critical @integration @needs_control
  Scenario: Once the database is back, Alice's retry is answered exactly once, without a restart
    Given a chat service whose database and cache the test can break
    And Alice is signed in
    And Alice has the chat open
    And Alice asked the agent while the chat database was down, and was told to retry
    When the chat database comes back
    And the chat service reports itself ready again
    And Alice sends her question again
    Then Alice watches the agent start, think, use its tools and complete
    And Alice finds the conversation in her history
    And a chat Alice opens now reports nothing degraded

  @integration @needs_control
  Scenario: A database that stops answering is noticed, and Alice is still told to retry
    Given a chat service whose database and cache the test can break
    And Alice is signed in
    And Alice has the chat open
    When the chat database stops answering
    And Alice asks the agent to analyse her AI spend
    Then Alice is told within seconds that the service is unavailable and that she can retry
    And the chat service reports itself unavailable

  @integration @needs_control
  Scenario: A slow database delays the answer but never hangs the chat
    Given a chat service whose database and cache the test can break
    And Alice is signed in
    And Alice has the chat open
    When the chat database becomes slow, taking about a second per round trip
    And Alice asks the agent to analyse her AI spend
    Then Alice gets either a complete answer or an explicit error, never silence

  @integration @needs_control
  Scenario: A service started while everything is down comes up, says so, and serves once they return
    Given the chat service starts while its database and cache are both down
    And Alice is signed in
    When the chat service reports itself unavailable
    And the database and the cache come back
    Then the chat service reports itself ready
    And Alice has the chat open
    And Alice asks the agent to analyse her AI spend
    And Alice watches the agent start, think, use its tools and complete
