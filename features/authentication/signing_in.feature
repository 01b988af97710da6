@authentication
Feature: Signing in — apps and browsers open the chat with the forms the protocol defines

  Business Value Justification
    Segment:        every user, on the web app above all
    Business goal:  chat sessions established 99%+ of the time, from every
                    kind of client
    Value impact:   native apps present their token in the authorization
                    header; browsers, which cannot set headers on a WebSocket,
                    present it in the subprotocols and must get the jwt-auth
                    subprotocol back; either way the agent answers
    Revenue at risk: the web app is where most trials start: if the browser
                    form fails, no web user can chat and no trial converts

  @e2e
  Scenario Outline: Alice opens the chat with <credential> and the agent answers her
    Given Alice is signed in
    When Alice opens the chat with <credential>
    And Alice asks the agent to analyse her AI spend
    Then Alice's chat is ready, and agrees to the way her app presented the token
    And Alice watches the agent start, think, use its tools and complete
    And Alice receives actionable recommendations

    @mission_critical @GP-3.1 @GP-3.18 @TGT-connect
    Examples: The form apps use
      | credential                                                         |
      | her token in the authorization header                              |

    @mission_critical @GP-3.2 @GP-3.18
    Examples: The form browsers must use
      | credential                                                         |
      | her token in the subprotocols, as a browser must send it           |

    @GP-3.3
    Examples: The header counts when both forms are present
      | credential                                                         |
      | a valid token in the header and a broken one in the subprotocols   |

    @GP-3.10 @needs_secret
    Examples: Single sign-on tokens
      | credential                                                         |
      | a token naming the chat among several audiences                    |

    @GP-3.8 @needs_secret
    Examples: Tokens whose "not before" has passed
      | credential                                                         |
      | a token that became valid a minute ago                             |

  @e2e @needs_users @GP-3.11 @GP-3.12 @GP-5.2
  Scenario Outline: Alice's user id is <id>; she gets her answer and Bob, whose id differs only in case, sees none of it
    Given Alice is signed in with a user id <id>
    And Bob is signed in with Alice's user id in lower case
    And Bob has the chat open
    When Alice opens the chat with her token in the authorization header
    And Alice asks the agent to analyse her AI spend
    Then Alice's chat opens under exactly her user id
    And Alice watches the agent start, think, use its tools and complete
    And Bob, whose user id differs from Alice's only in case, receives none of her events

    Examples:
      | id                                                                |
      | of capitals, digits and every punctuation mark the protocol allows |
      | as long as the protocol allows                                     |

  @e2e @browser @GP-3.2
  Scenario: In a real browser, Alice opens the chat the way browsers must and watches a complete run
    Given Alice is signed in
    When Alice asks the agent to analyse her AI spend from a web browser
    Then the browser shows Alice the agent start, think, use its tools and complete
