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

  @integration @needs_control @GP-6.1 @GP-2.5 @GP-2.6 @GP-4.10
  Scenario Outline: A database that <fails> is noticed, and Alice is told to retry
    Given a chat service whose database and cache can fail
    And Alice is signed in
    And Alice has the chat open
    When the chat database <fails>
    And Alice asks the agent to analyse her AI spend
    Then Alice is told within seconds that the service is unavailable and that she can retry
    And the chat service reports itself unavailable

    @mission_critical
    Examples: Gone
      | fails       |
      | goes down   |

    Examples: Silent
      | fails           |
      | stops answering |

  @integration @needs_control @GP-4.8
  Scenario: With the database down, a chat Alice opens warns that it is degraded
    Given a chat service whose database and cache can fail
    And Alice is signed in
    When the chat database goes down
    Then a chat Alice opens now warns that the database is degraded

  @mission_critical @integration @needs_control @GP-6.2 @GP-7.2 @GP-4.8
  Scenario: Once the database is back, Alice's retry is answered exactly once, without a restart
    Given a chat service whose database and cache can fail
    And Alice is signed in
    And Alice has the chat open
    And Alice asked the agent while the chat database was down
    When the chat database is back and the service is ready again
    And Alice sends her question again
    Then Alice's retry is accepted, exactly once
    And Alice watches the agent start, think, use its tools and complete
    And Alice finds the conversation in her history
    And a chat Alice opens now reports nothing degraded

  @integration @needs_control @TGT-slow-database
  Scenario: A slow database delays the answer but never hangs the chat
    Given a chat service whose database and cache can fail
    And Alice is signed in
    And Alice has the chat open
    When the chat database becomes slow
    And Alice asks the agent to analyse her AI spend
    Then Alice gets either a complete answer or an explicit error, never silence

  @integration @needs_control @GP-1.5 @GP-2.5
  Scenario: A service started while everything is down comes up and says it is unavailable
    Given the chat service starts while its database and cache are both down
    Then the chat service reports itself unavailable

  @integration @needs_control @GP-1.5 @GP-6.4 @GP-2.3
  Scenario: A service started while everything is down serves once they return
    Given the chat service starts while its database and cache are both down
    And Alice is signed in
    When the database and the cache come back
    Then the chat service reports itself ready
    And Alice can still open the chat and get an answer
