@agent_events
Feature: A slow tab slows no one — a tab that stops reading holds up nobody's answer

  Business Value Justification
    Segment:        users with a tab on a poor network: a phone on a train, a
                    laptop gone to sleep, a frozen background tab
    Business goal:  one bad connection never degrades the chat on the user's
                    other tabs, or for anyone else on the instance
    Value impact:   the server sends without waiting on any socket; a tab that
                    cannot keep up is buffered within a bound, or closed
                    properly, and catches up by itself or by resuming
    Revenue at risk: a server whose delivery waits for its slowest socket
                    freezes every tab behind it: at scale, one bad network
                    stalls the answers of many paying users at once

  The stalled tab leaves more waiting for it on the server than the network
  can hold (how much is the environment profile's stalledTabBacklogBytes), so
  that only the server can decide whether to wait for it or not.

  @e2e @GP-5.1 @GP-5.12 @GP-5.13 @GP-5.14 @GP-5.15 @GP-5.18 @GP-9.1 @GP-9.2
  Scenario: One of Alice's tabs stops reading, and her other tab still gets the whole answer on time
    Given Alice is signed in
    And Alice has the chat open in 2 tabs
    And one of Alice's tabs has stopped reading, with more waiting for it than the network can hold
    When Alice asks the agent to analyse her AI spend
    Then the tab Alice is reading follows the whole run within the protocol's timing
    And once Alice's stalled tab reads again, it has the whole run, or gets it back by resuming
