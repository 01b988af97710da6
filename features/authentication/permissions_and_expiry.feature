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

  @mission_critical @e2e
  Scenario: Without permission to write, Alice's question is refused and nothing is written
    Given Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And Alice watches the agent start, think, use its tools and complete
    And Alice opens the chat with a token that only lets her read
    And Alice asks a follow-up question in the same conversation
    Then Alice is told she may not write
    And Alice's conversation holds only what was there before

  @mission_critical @integration
  Scenario: When Alice's sign-in expires during her session, the chat ends it
    Given Alice is signed in
    And Alice opens the chat with a token that expires in a few seconds
    When Alice's sign-in expires while her chat is open
    Then Alice's chat is closed for an expired sign-in, within two seconds of the expiry plus the clock-skew leeway
