@factory_initialization
Feature: An instance that dies — its runs are ended with an explanation, never left open

  Business Value Justification
    Segment:        every user whose answer is being written when an instance
                    crashes, is killed for memory, or loses its node
    Business goal:  no answer is ever left hanging: a crash costs the user one
                    retry, never a spinner that does not stop
    Value impact:   the run of a dead instance ends with an explicit error that
                    invites her to ask again — told live to her tabs on the
                    other instances and replayed to whoever resumes — within
                    30 s while other instances run, and at the next start when
                    the instance was alone
    Revenue at risk: instances die every day (out-of-memory kills, preempted
                    nodes, bad deploys); each one leaves its users staring at a
                    half-written answer that will never come, and they conclude
                    the product is broken

  @mission_critical @e2e @needs_control @GP-5.25 @GP-9.2
  Scenario: Alice's instance dies mid-answer; the other instance ends her run and she is told to ask again
    Given the chat service runs as two instances sharing one database and cache, with a slow agent
    And Alice is signed in
    And Alice has one tab open on each instance
    When Alice asks the agent to analyse her AI spend from her tab on the first instance
    And the first instance dies while Alice's agent is using a tool
    And Alice reconnects to the second instance and resumes her run
    Then Alice's tab on the second instance is told the run failed and that she can ask again
    And Alice is told the run failed and that she can ask again

  @e2e @needs_control @GP-5.26
  Scenario: Alice's instance dies alone mid-answer; when it starts again, her run is ended
    Given a chat service alone on a database of its own, with a slow agent
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And the chat service dies while Alice's agent is using a tool
    And the chat service is started again
    And Alice reconnects and resumes her run
    Then Alice is told the run failed and that she can ask again
