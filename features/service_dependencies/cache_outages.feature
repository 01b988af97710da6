@service_dependencies
Feature: Cache outages — chat keeps working on one instance, and says it is degraded

  Business Value Justification
    Segment:        every user connected while Redis is down or restarting
    Business goal:  Redis is an optimisation for fan-out, never a single point
                    of failure for chat
    Value impact:   with the cache gone, users on an instance still get every
                    answer live; operators see "degraded", not "down"
    Revenue at risk: treating the cache as required turns a routine Redis
                    restart into a full chat outage for every customer

  @mission_critical @integration @needs_control @GP-6.3 @GP-5.1
  Scenario: With the cache down Alice still gets her answer in both tabs
    Given a chat service whose database and cache can fail
    And Alice is signed in
    And the cache is down and the service knows it
    And Alice has the chat open in 2 tabs
    When Alice asks the agent to analyse her AI spend
    Then every tab of Alice's sees the whole run, each following every event rule

  @integration @needs_control @GP-2.4 @GP-2.6 @GP-4.8
  Scenario: With the cache down the service says it is degraded, and so does a new chat
    Given a chat service whose database and cache can fail
    And Alice is signed in
    When the cache goes down
    Then the chat service reports itself degraded
    And a chat Alice opens now warns that the cache is degraded

  @integration @needs_control @GP-6.4 @GP-2.3 @GP-2.6 @GP-4.8
  Scenario: When the cache comes back the warning clears without a restart
    Given a chat service whose database and cache can fail
    And Alice is signed in
    And the cache is down and the service knows it
    When the cache comes back
    Then the chat service reports itself ready
    And a chat Alice opens now reports nothing degraded
