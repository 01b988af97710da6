@authentication
Feature: Handshake refusals — nobody gets into a chat without a valid sign-in

  Business Value Justification
    Segment:        every customer, and every enterprise security review
    Business goal:  no conversation, run or bill reachable without a valid,
                    current sign-in for exactly that user
    Value impact:   a forged, expired, foreign or unsigned token is refused at
                    the door — before the connection is upgraded — with a
                    status and an explanation the app can act on
    Revenue at risk: one accepted forged token exposes a customer's AI-spend
                    data and lets an attacker run the agent on her account; a
                    token bug is a reportable breach and a lost enterprise deal

  Each attempt must be refused before the connection is upgraded — never a
  connection that opens and is closed afterwards — with HTTP 401 for a missing,
  bad or expired sign-in and 403 for a sign-in without permission to read,
  and an error the app can read. Only HS256 tokens signed with the chat's own
  secret, for the chat's issuer and audience, naming a proper user, count; a
  token is read from the authorization header or from the browser's
  subprotocols, never from the web address.

  @integration @GP-3.15 @GP-3.16
  Scenario Outline: Opening the chat with <credential> is refused before the connection is upgraded
    Given Alice is signed in
    When Alice opens the chat with <credential>
    Then Alice is refused as <refusal> before the chat opens, and told why

    @mission_critical @GP-3.6
    Examples: Missing, broken or forged tokens
      | credential                                       | refusal       |
      | no token at all                                  | not signed in |
      | a token that is not a token at all               | not signed in |
      | a token whose three parts are garbage            | not signed in |
      | a token signed with someone else's secret        | not signed in |
      | a token whose claims were altered after signing  | not signed in |

    @GP-3.5
    Examples: Algorithms other than HS256, signed by anyone
      | credential                                              | refusal       |
      | an unsigned token                                       | not signed in |
      | a token signed with RS256 and a key of the attacker's   | not signed in |

    @GP-3.5 @needs_secret
    Examples: Algorithms other than HS256, signed with the chat's own secret
      | credential                                              | refusal       |
      | a token signed with HS512 and the chat's secret         | not signed in |
      | a token signed with HS384 and the chat's secret         | not signed in |
      | a token naming RS256 but signed with the chat's secret  | not signed in |

    @GP-3.7 @needs_secret
    Examples: Tokens past their expiry, or without one
      | credential                                                          | refusal       |
      | a token that expired ten seconds ago, beyond any clock-skew leeway  | not signed in |
      | a token that expired an hour ago                                    | not signed in |
      | a token without an expiry                                           | not signed in |

    @GP-3.8 @needs_secret
    Examples: Tokens not valid yet
      | credential                                                          | refusal       |
      | a token not valid until a minute from now                           | not signed in |

    @GP-3.9 @needs_secret
    Examples: Tokens from someone else
      | credential                                       | refusal       |
      | a token from another issuer                      | not signed in |
      | a token without an issuer                        | not signed in |

    @GP-3.10 @needs_secret
    Examples: Tokens meant for something else
      | credential                                       | refusal       |
      | a token for another audience                     | not signed in |
      | a token without an audience                      | not signed in |

    @GP-3.11 @needs_secret
    Examples: Tokens naming no proper user
      | credential                                               | refusal       |
      | a token naming no user                                   | not signed in |
      | a token naming a user with an empty name                 | not signed in |
      | a token naming a user with forbidden characters          | not signed in |
      | a token naming a user with a name one character too long | not signed in |
      | a token whose user is a number                           | not signed in |

    @GP-3.13 @needs_tokens
    Examples: Tokens without the permission to read
      | credential                          | refusal             |
      | a token with no permission to read  | not allowed to read |
      | a token without any permissions     | not allowed to read |

    @GP-3.4
    Examples: A token in the web address
      | credential                                                          | refusal       |
      | a valid token in the web address only                               | not signed in |

    @GP-3.3
    Examples: A broken header beside a valid subprotocol
      | credential                                                          | refusal       |
      | a broken token in the header and a valid one in the subprotocols    | not signed in |
