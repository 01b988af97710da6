@hostile_input
Feature: Limits — oversize messages, binary data and floods are stopped the way the protocol says

  Business Value Justification
    Segment:        every user sharing an instance with a misbehaving client
    Business goal:  one client can never degrade or crash the chat for others
    Value impact:   a message over 64 KiB closes its connection with 1009, a
                    binary frame with 1003, and a burst over 20 frames a
                    second is slowed down with a retry delay instead of served
                    or dropped; the client always learns what it did wrong
    Revenue at risk: without limits a single looping or malicious client
                    exhausts an instance's memory or database, and every user
                    on it sees a frozen chat or a 1011

  @mission_critical @integration
  Scenario Outline: A message over 64 KiB sent <how> closes Alice's chat as too big, and she can open a new one
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends a message larger than the chat accepts, <how>
    Then Alice's chat is closed because the message was too big
    And Alice can still open the chat and get an answer

    Examples:
      | how               |
      | in one piece       |
      | in small fragments |

  @mission_critical @integration
  Scenario: Binary data closes Alice's chat as unsupported, and she can open a new one
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends binary data
    Then Alice's chat is closed because binary data is not supported
    And Alice can still open the chat and get an answer

  @mission_critical @e2e
  Scenario: A hundred frames at once are slowed down, not dropped, and the chat works again after the pause it asked for
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends a hundred frames at once
    Then Alice's app is told to slow down, and for how long
    And Alice's app waits as long as the chat asked
    And Alice asks the agent to analyse her AI spend
    And Alice watches the agent start, think, use its tools and complete
