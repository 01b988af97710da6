@agent_events
Feature: Resume — a run outlives its connection, and nothing is lost

  Business Value Justification
    Segment:        mobile and laptop users whose connection drops mid-answer
    Business goal:  zero lost answers; the agent's work is paid for either way
    Value impact:   runs belong to the server, not the socket: a user who
                    reconnects picks up exactly where she left off
    Revenue at risk: an answer lost to a network blip is wasted inference and
                    a user who asks again, or gives up on the product

  @mission_critical @e2e @needs_control @GP-5.17 @GP-5.19 @GP-5.20 @GP-5.21
  Scenario: Alice's connection drops mid-run and she misses nothing
    Given the agent takes its time over each step
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And Alice's connection drops while the agent is working
    And Alice reconnects and resumes the run from the last event she saw
    Then together Alice's connections saw every event of the run, through to its completion
    And Alice's run went on to its answer while the tab that asked was gone
    And Alice's resumed stream continues in order, without gaps, to the run's end

  @e2e @needs_control @GP-5.19 @GP-5.20 @GP-5.21
  Scenario: Another of Alice's tabs replays the run from the start
    Given the agent takes its time over each step
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And Alice opens another tab while the agent is working and resumes the run from the start
    Then Alice's resumed stream continues in order, without gaps, to the run's end
    And every tab of Alice's sees the whole run, each following every event rule

  @e2e @needs_control @GP-5.19 @GP-5.20 @GP-5.21
  Scenario: A tab that followed the run live replays it from the start and is shown the very same events
    Given the agent takes its time over each step
    And Alice is signed in
    And Alice has the chat open in 2 tabs
    When Alice asks the agent to analyse her AI spend
    And Alice's other tab resumes the run from the start while the agent is working
    Then Alice's resumed stream continues in order, without gaps, to the run's end
    And every tab of Alice's sees the whole run, each following every event rule

  @mission_critical @e2e @needs_users @GP-5.23 @GP-5.2 @GP-4.16
  Scenario: Bob cannot resume Alice's run, and learns nothing about it
    Given Alice is signed in
    And Alice has the chat open
    And Bob is signed in
    And Bob has the chat open
    When Alice asks the agent to analyse her AI spend
    And Bob tries to resume Alice's run
    Then Bob is told the run was not found
    And Bob receives none of Alice's events

  @e2e @GP-5.22
  Scenario: A resume after a run's last event is answered with nothing
    Given Alice is signed in
    And Alice has a conversation with the agent about her AI spend
    When Alice resumes that run after its last event
    Then nothing comes back for Alice's resume

  @e2e @GP-5.23 @GP-4.16
  Scenario Outline: A resume of a run that <what> is not found
    Given Alice is signed in
    And Alice has the chat open
    When Alice resumes a run that <what>
    Then Alice is told the run was not found

    Examples:
      | what                                 |
      | does not exist                       |
      | is named by something that is no id  |
