@agent_events
Feature: Several tabs — every open tab of a user follows the run

  Business Value Justification
    Segment:        power users with the chat open in several tabs or devices
    Business goal:  one coherent conversation wherever the user looks
    Value impact:   a run started from one tab is seen live, complete and in
                    order in every other tab of the same user
    Revenue at risk: a tab that stays silent while another answers looks broken,
                    and users file it as "the chat is unreliable"

  @mission_critical @e2e @GP-5.1 @GP-5.18
  Scenario: Alice asks from one tab and both of her tabs watch the whole run
    Given Alice is signed in
    And Alice has the chat open in 2 tabs
    When Alice asks the agent to analyse her AI spend
    Then every tab of Alice's sees the whole run, each following every event rule
    And Alice finds the conversation in her history

  @e2e @needs_control @GP-5.24
  Scenario: A tab Alice opens while the agent is working follows the rest of the run live
    Given the agent takes its time over each step
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And Alice opens another tab while the agent is working
    Then Alice's new tab sees the rest of the run live, without resuming
