@hostile_input
Feature: Random frames — thousands of hostile frames never break a connection or the service

  Business Value Justification
    Segment:        every user, whatever other clients are connected
    Business goal:  0% of connections closed with 1011 or dropped, whatever
                    clients send
    Value impact:   a seeded barrage of random frames — garbage text, random
                    values, unknown types, near-valid messages with wrong
                    field types, huge numbers, deep nesting, every kind of
                    Unicode — from a crowd of apps is answered frame by frame,
                    and the service stays healthy and keeps answering
    Revenue at risk: the inputs no one thought of are the ones that crash a
                    server in production; each such crash throws out every
                    user on the instance

  How many frames, over how many users and tabs, and the time budget come from
  the environment profile (cucumber.js); the random seed is printed with every
  run and can be replayed with GOLDEN_PATH_SEED.

  @mission_critical @integration @needs_users @GP-4.14 @GP-9.1 @GP-9.2 @GP-2.1 @TGT-fuzz
  Scenario: A crowd of hostile apps sends thousands of random frames and nothing breaks
    Given Alice is signed in
    And a crowd of hostile apps has the chat open in many tabs
    When the hostile apps send thousands of random frames
    Then no random frame closed, dropped or stalled a connection
    And the chat service still reports itself healthy
    And Alice can still open the chat and get an answer
