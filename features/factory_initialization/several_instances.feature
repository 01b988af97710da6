@factory_initialization
Feature: Several instances — a user's tabs on different instances all follow her runs

  Business Value Justification
    Segment:        every user once the service scales past one instance
    Business goal:  scaling out is invisible to users
    Value impact:   the load balancer may put each tab on a different instance;
                    events fan out between instances through the cache, and
                    when the cache fails, resume fills the gap from the database
    Revenue at risk: a tab that stays silent because its instance never heard
                    of the run looks broken — at exactly the scale where the
                    most customers are affected

  @e2e @needs_control @GP-5.1 @GP-1.13
  Scenario Outline: A run started on the <asking> instance is seen live on the <other> one
    Given the chat service runs as two instances sharing one database and cache
    And Alice is signed in
    And Alice has one tab open on each instance
    When Alice asks the agent to analyse her AI spend from her tab on the <asking> instance
    Then Alice's tab on the <asking> instance sees the whole run, following every event rule
    And Alice's tab on the <other> instance sees the whole run, following every event rule
    And each instance gives the name it was started with

    @mission_critical
    Examples: From the first
      | asking | other  |
      | first  | second |

    Examples: From the second
      | asking | other  |
      | second | first  |

  @mission_critical @e2e @needs_control @GP-5.17 @GP-5.19
  Scenario: With the cache down, the other instance's tab catches up by resuming
    Given the chat service runs as two instances sharing one database and cache
    And Alice is signed in
    And Alice has one tab open on each instance
    And the cache between the instances is down
    When Alice asks the agent to analyse her AI spend from her tab on the first instance
    Then Alice's tab on the first instance sees the whole run, following every event rule
    And Alice's tab on the second instance catches up on the run by resuming it

  @mission_critical @e2e @needs_control @GP-5.2
  Scenario: Bob, connected to the other instance, receives nothing of Alice's run
    Given the chat service runs as two instances sharing one database and cache
    And Alice is signed in
    And Bob is signed in
    And Alice has a tab open on the first instance
    And Bob has a tab open on the second instance
    When Alice asks the agent to analyse her AI spend from her tab on the first instance
    Then Alice's tab on the first instance sees the whole run, following every event rule
    And Bob receives none of Alice's events

  @e2e @needs_control @GP-7.1
  Scenario: A message re-sent on the other instance gets the same acknowledgement and starts no second run
    Given the chat service runs as two instances sharing one database and cache
    And Alice is signed in
    And Alice has one tab open on each instance
    When Alice asks the agent to analyse her AI spend from her tab on the first instance
    And Alice's app sends the same message again from her tab on the second instance
    Then Alice gets the same acknowledgement both times
    And Alice's tab on the first instance sees the whole run, following every event rule
    And only one run answers Alice's message
