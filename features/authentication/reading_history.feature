@authentication
Feature: Reading history — a conversation is read only by its owner, with a valid sign-in, in full

  Business Value Justification
    Segment:        every customer who reloads the chat or opens it on another device
    Business goal:  conversations are as private over plain HTTP as on the socket,
                    and never come back incomplete
    Value impact:   the history answers only its owner's valid, readable sign-in;
                    for anyone else the conversation does not exist; for the owner
                    it holds every message, in the order it was written
    Revenue at risk: a history that trusts any token is a data breach waiting to be
                    found by the first security review; a history that drops old
                    messages loses the advice customers paid for

  @integration
  Scenario Outline: Reading Alice's conversation with <credential> is refused as <refusal>
    Given Alice is signed in
    And Alice has a conversation with the agent about her AI spend
    When Alice reads her conversation with <credential>
    Then Alice's reading is refused as <refusal>, and shows nothing of her conversation

    @mission_critical @GP-2.9
    Examples: Forged or missing
      | credential                                 | refusal             |
      | no token at all                            | not signed in       |
      | a token signed with someone else's secret  | not signed in       |
      | an unsigned token                          | not signed in       |

    @GP-2.9
    Examples: Broken
      | credential                                 | refusal             |
      | a token whose three parts are garbage      | not signed in       |

    @needs_secret @GP-2.9
    Examples: Expired
      | credential                                 | refusal             |
      | a token that expired an hour ago           | not signed in       |

    @needs_tokens @GP-2.10
    Examples: Without permission to read
      | credential                                 | refusal             |
      | a token with no permission to read         | not allowed to read |

  @integration @GP-2.11
  Scenario: A conversation that does not exist is not found
    Given Alice is signed in
    When Alice reads a conversation that does not exist
    Then Alice is told that conversation does not exist, and sees nothing of it

  @e2e @GP-2.7 @GP-7.2 @GP-7.3
  Scenario: Every message of a long conversation comes back, in the order it was written
    Given Alice is signed in
    And Alice has had a conversation of 30 questions with the agent
    Then Alice finds the conversation in her history
