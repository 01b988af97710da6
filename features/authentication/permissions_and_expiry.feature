@authentication
Feature: Permissions and expiry — a sign-in grants what it says, for as long as it says

  Business Value Justification
    Segment:        teams with read-only members (finance, auditors) and every
                    customer whose users' access ends
    Business goal:  permissions and expiry enforced by the chat itself, not
                    trusted to the app
    Value impact:   a read-only user can follow conversations but cannot run
                    the agent or write anything; a session ends within seconds
                    of its token's expiry, so a revoked or stolen sign-in stops
                    working on its own
    Revenue at risk: agent runs billed to accounts that never allowed them,
                    and conversations readable after access was withdrawn — an
                    audit finding for every enterprise customer

  @mission_critical @e2e @needs_tokens @GP-3.14 @GP-4.10
  Scenario: Without permission to write, Alice's question is refused and nothing is written
    Given Alice is signed in
    And Alice has a conversation with the agent about her AI spend
    And Alice has the chat open with a token that only lets her read
    When Alice asks a follow-up question in the same conversation
    Then Alice is told she may not write
    And Alice's conversation holds only what was there before

  @integration @needs_tokens @GP-3.21
  Scenario Outline: When Alice's sign-in expires during her session, the chat ends it
    Given Alice is signed in
    And Alice has the chat open with <credential>
    When Alice's sign-in expires while her chat is open
    Then Alice's chat is closed for an expired sign-in, in the time the protocol allows

    @mission_critical
    Examples: A token in the header
      | credential                                                  |
      | a token that expires in a few seconds                        |

    Examples: A token in the subprotocols
      | credential                                                  |
      | a token that expires in a few seconds, in the subprotocols   |
