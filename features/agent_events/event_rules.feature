@agent_events
Feature: The five events — the rules every agent run follows

  Business Value Justification
    Segment:        every user who asks the agent anything
    Business goal:  users trust what they see while the agent works
    Value impact:   five live events (started, thinking, tool executing, tool
                    completed, completed) are how the user knows the agent is
                    working for her; a broken stream looks frozen or broken
    Revenue at risk: the seed plan's fourth critical issue — silent or
                    incomplete agent runs make the product look dead, and
                    users leave before the answer arrives

  These examples state each rule in plain words. The same oracle judges every
  run that the end-to-end scenarios record, so what is written here is what
  the deployment gate enforces.

  @unit @GP-4.3
  Scenario Outline: A well-formed run passes: <case>
    Given a cost analysis run whose events arrive as "<stream>"
    Then the run follows every event rule

    Examples:
      | case                                   | stream                                                                                |
      | one tool                               | started, thinking, tool A starts, tool A ends, answer                                 |
      | several tools, one after another       | started, thinking, tool A starts, tool A ends, thinking, tool B starts, tool B ends, answer |
      | tools running side by side             | started, thinking, tool A starts, tool B starts, tool B ends, tool A ends, answer     |
      | a failing tool ends the run in error   | started, thinking, tool A starts, tool A fails, failure                               |
      | frame types it does not know are ignored | started, notice, thinking, tool A starts, notice, tool A ends, answer               |

  @unit
  Scenario Outline: A broken run is caught: <case>
    Given a cost analysis run whose events arrive as "<stream>"
    Then the run breaks the rule "<rule>"

    Examples:
      | case                               | stream                                                           | rule                                                  |
      | no start                           | thinking, tool A starts, tool A ends, answer                     | agent_started comes first, exactly once               |
      | started twice                      | started, thinking, started, tool A starts, tool A ends, answer   | agent_started comes first, exactly once               |
      | start is not first                 | thinking, started, tool A starts, tool A ends, answer            | agent_started comes first, exactly once               |
      | never seen thinking                | started, tool A starts, tool A ends, answer                      | the agent is seen thinking before it completes        |
      | thinking only after completion     | started, tool A starts, tool A ends, answer, thinking            | the agent is seen thinking before it completes        |
      | a blank thought                    | started, blank thought, tool A starts, tool A ends, answer       | the agent is seen thinking before it completes        |
      | a tool that never completes        | started, thinking, tool A starts, answer                         | every tool call completes, once, before the run does  |
      | a tool completes that never began  | started, thinking, tool A ends, answer                           | every tool call completes, once, before the run does  |
      | a tool completes after the answer  | started, thinking, tool A starts, answer, tool A ends            | every tool call completes, once, before the run does  |
      | an analysis without any tool       | started, thinking, answer                                        | an analysis request uses a tool                       |
      | no completion                      | started, thinking, tool A starts, tool A ends                    | agent_completed comes last, exactly once              |
      | completed twice                    | started, thinking, tool A starts, tool A ends, answer, answer    | agent_completed comes last, exactly once              |
      | an event after completion          | started, thinking, tool A starts, tool A ends, answer, thinking  | agent_completed comes last, exactly once              |
      | an answer with no recommendation   | started, thinking, tool A starts, tool A ends, answer without recommendations | a successful answer is actionable        |
      | an answer with no summary          | started, thinking, tool A starts, tool A ends, answer without summary | a successful answer is actionable                |
      | a failure without an explanation   | started, thinking, tool A starts, tool A fails, unexplained failure | a failed run explains itself                       |
      | a gap in seq                       | started, thinking, tool A starts (seq 5), tool A ends, answer    | seq counts 1, 2, 3 without gaps or repeats            |
      | a repeated seq                     | started, thinking, tool A starts (seq 2), tool A ends, answer    | seq counts 1, 2, 3 without gaps or repeats            |
      | the same event delivered twice     | started, thinking, again, tool A starts, tool A ends, answer     | each event once, in order                             |
      | an event naming another run        | started, thinking (other run), tool A starts, tool A ends, answer | every event names its run, thread and user           |
      | an event naming another thread     | started, thinking, tool A starts (other thread), tool A ends, answer | every event names its run, thread and user        |
      | an event naming another user       | started, thinking, tool A starts, tool A ends (other user), answer | every event names its run, thread and user          |
