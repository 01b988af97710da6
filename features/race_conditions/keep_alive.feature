@race_conditions
Feature: Keeping the connection alive — a ping is answered with its own nonce

  Business Value Justification
    Segment:        every long-lived tab, and every app that checks its connection
    Business goal:  apps tell a live chat from a dead one without guessing
    Value impact:   a ping comes back as a pong carrying the same nonce, so an app
                    can measure liveness and match replies to its own requests
    Revenue at risk: an app that cannot tell a stalled socket from a quiet one
                    either reconnects needlessly or leaves users on a dead chat

  @integration @GP-4.7 @TGT-reply
  Scenario Outline: Alice's app pings with <nonce> and gets it back
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app pings the chat with <nonce>
    Then Alice's app gets a pong with the same nonce

    Examples:
      | nonce              |
      | a word             |
      | a number           |
      | a nested object    |
      | no nonce at all    |
