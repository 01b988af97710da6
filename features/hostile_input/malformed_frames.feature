@hostile_input
Feature: Malformed frames — a bad frame gets an explanation, never a broken chat

  Business Value Justification
    Segment:        every user of every app version, including the buggy ones
    Business goal:  0% of sessions ended by what a client sends
    Value impact:   a frame that is not a message, or a message with missing or
                    mistyped fields, is answered with an error the developer
                    can act on, and the same connection goes on working
    Revenue at risk: one release of an app with a serialisation bug would
                    otherwise disconnect every user who has it installed — an
                    outage caused by the server's fragility, not by the bug

  @e2e @GP-4.14
  Scenario Outline: Alice's app sends <frame>; it is told the message was <verdict> and the chat keeps working
    Given Alice is signed in
    And Alice has the chat open
    When Alice's app sends <frame>
    Then Alice's app is told the message was <verdict>
    And Alice can still ask the agent and get an answer on the same connection

    @mission_critical @GP-4.11
    Examples: Not a message at all
      | frame                              | verdict |
      | text that is not a message at all  | invalid |
      | a message cut off halfway          | invalid |
      | an empty frame                     | invalid |
      | a list instead of a message        | invalid |
      | a bare number                      | invalid |
      | a bare string                      | invalid |
      | nothing but null                   | invalid |

    @GP-4.11
    Examples: Messages without a proper type
      | frame                                                 | verdict |
      | a message without a type                              | invalid |
      | a message whose type is a number                      | invalid |

    @GP-4.12
    Examples: Messages of a type the protocol does not define
      | frame                                                 | verdict                             |
      | a message of a type the chat does not know            | of a kind the chat does not support |
      | a message pretending to be an answer from the agent   | of a kind the chat does not support |

    @GP-4.11 @GP-4.5 @GP-4.10
    Examples: Questions with missing or mistyped fields
      | frame                                             | verdict |
      | a question without data                           | invalid |
      | a question whose data is a list                   | invalid |
      | a question without content                        | invalid |
      | a question whose content is a number              | invalid |
      | an empty question                                 | invalid |
      | a question one character over the limit           | invalid |
      | a question one emoji over the limit               | invalid |
      | a question without its idempotency key            | invalid |
      | a question whose idempotency key is not a UUID    | invalid |
      | a question whose conversation id is a number      | invalid |

    @GP-4.11 @GP-4.16
    Examples: Resumes and pings with missing or mistyped fields
      | frame                                          | verdict |
      | a resume without a run                         | invalid |
      | a resume from a negative position              | invalid |
      | a resume from a fractional position            | invalid |
      | a resume from a position beyond any number     | invalid |
      | a ping whose data is a string                  | invalid |

  @e2e @GP-4.4
  Scenario: The longest question the chat accepts, emoji included, is accepted and answered
    Given Alice is signed in
    And Alice has the chat open
    When Alice asks the longest question the chat accepts, most of it emoji
    Then Alice's message is accepted promptly
    And Alice watches the agent start, think, use its tools and complete
    And Alice finds the conversation in her history

  @e2e @GP-4.15
  Scenario: A question with a null character pasted into it is kept as written or refused as invalid, never a server error
    Given Alice is signed in
    And Alice has the chat open
    When Alice asks the agent a question with a null character pasted into it
    Then Alice's question is kept exactly as she wrote it, or refused as invalid, but never answered with a server error
