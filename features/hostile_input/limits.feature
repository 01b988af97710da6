@hostile_input
Feature: Limits — oversize messages, binary data and floods are stopped the way the protocol says

  Business Value Justification
    Segment:        every user sharing an instance with a misbehaving client
    Business goal:  one client can never degrade or crash the chat for others
    Value impact:   a message over the size limit closes its connection with
                    1009, a binary frame with 1003, and a burst over the rate
                    limit is slowed down with a retry delay instead of served
                    or dropped; the client always learns what it did wrong
    Revenue at risk: without limits a single looping or malicious client
                    exhausts an instance's memory or database, and every user
                    on it sees a frozen chat or a 1011

  @integration @GP-8.1
  Scenario Outline: A message over the size limit sent <how> closes Alice's chat as too big, and she can open a new one
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends a message larger than the chat accepts, <how>
    Then Alice's chat is closed because the message was too big
    And Alice can still open the chat and get an answer

    @mission_critical
    Examples: Whole
      | how                |
      | in one piece       |

    Examples: In pieces
      | how                |
      | in small fragments |

  @integration @GP-8.2
  Scenario: Binary data closes Alice's chat as unsupported, and she can open a new one
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends binary data
    Then Alice's chat is closed because binary data is not supported
    And Alice can still open the chat and get an answer

  @mission_critical @e2e @GP-8.3 @GP-8.4 @GP-8.5
  Scenario: A burst over the rate limit is slowed down, not dropped, and the chat works again after the pause it asked for
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends 100 frames at once
    Then Alice's app is told to slow down, and for how long
    And once Alice's app has waited as long as the chat asked, she can ask the agent and get an answer again

  @e2e @GP-8.5
  Scenario: As many frames in one second as the protocol allows are all served
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends as many frames at once as the protocol allows in a second
    Then every one of Alice's frames is served

  @integration @GP-3.18 @GP-3.19 @GP-3.20
  Scenario: The queue an app sends with its handshake is served in full, though it is longer than a second's allowance
    Given Alice is signed in
    When Alice's app opens the chat and sends the frames it queued while offline, before the chat is ready
    Then every one of Alice's queued frames is answered in order once the chat is ready, none told to slow down
