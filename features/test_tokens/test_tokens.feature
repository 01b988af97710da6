@test_tokens
Feature: Test tokens — testers sign test users in on a deployment without its signing secret

  Business Value Justification
    Segment:        QA and release engineers who check staging before every release
    Business goal:  the golden path is proven on the deployment itself, not only on
                    a laptop, without handing the signing secret to a test runner
    Value impact:   a deployment started with a test-token key mints real, short-lived
                    tokens for exactly the user, permissions and lifetime asked for;
                    without the key nobody gets one, and a deployment that never
                    enabled test tokens mints none
    Revenue at risk: a staging that cannot be tested lets releases ship unchecked; an
                    endpoint that mints for anyone lets a stranger act as any customer

  @integration @GP-10.2 @GP-10.6
  Scenario: A tester signs Alice in on the deployment and she chats
    Given Alice is signed in
    When the tester asks for a token for Alice to read and write for 5 minutes
    Then the tester gets a token for exactly that user, those permissions and that lifetime
    And Alice can chat with that token

  @integration @GP-10.2 @GP-10.6
  Scenario: A read-only test token is read-only
    Given Alice is signed in
    When the tester asks for a token for Alice to read for 2 minutes
    Then the tester gets a token for exactly that user, those permissions and that lifetime
    And Alice can open the chat with that token

  @integration @GP-10.3 @GP-10.6
  Scenario Outline: Nobody gets a token <without the key>
    Given Alice is signed in
    When someone asks for a token for Alice <without the key>
    Then the request is refused as not authorised

    Examples:
      | without the key                    |
      | without a key                      |
      | with a wrong key                   |
      | with the key of another deployment |

  @integration @GP-10.4 @GP-10.6
  Scenario Outline: A request for a token with <a bad request> is refused
    When the tester asks for a token with <a bad request>
    Then the request is refused as invalid

    Examples:
      | a bad request                         |
      | no user                               |
      | a name with a space in it             |
      | a name of 129 characters              |
      | permissions that are not a list       |
      | no lifetime                           |
      | a lifetime of no seconds              |
      | a lifetime of one second over an hour |
      | a lifetime of a second and a half     |
      | a request that is not JSON            |

  @integration @needs_control @GP-10.5 @GP-10.6
  Scenario: A leaked key is slowed down
    Given a chat service nobody else is using
    And Alice is signed in
    When a leaked key is used to ask for tokens for Alice faster than the deployment allows
    Then the requests beyond the limit are refused as too many

  @integration @needs_control @GP-10.1
  Scenario: A deployment that never enabled test tokens mints none
    Given a chat service deployed without test tokens
    And Alice is signed in
    When the tester asks for a token for Alice to read and write for 5 minutes
    Then the request is refused as not offered
