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

  @mission_critical @integration @needs_control
  Scenario: With the cache down Alice still gets her answer in both tabs, and the service says it is degraded
    Given a chat service whose database and cache the test can break
    And Alice is signed in
    When the cache goes down
    And the chat service reports itself degraded
    And Alice has the chat open in two tabs
    And Alice asks the agent to analyse her AI spend
    Then every tab of Alice's sees the whole run, each following every event rule
    And a chat Alice opens now warns that the cache is degraded

  @integration @needs_control
  Scenario: When the cache comes back the warning clears without a restart
    Given a chat service whose database and cache the test can break
    And Alice is signed in
    And the cache goes down
    When the chat service reports itself degraded
    And the cache comes back
    Then the chat service reports itself ready
    And a chat Alice opens now reports nothing degraded
