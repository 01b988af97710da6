@factory_initialization
Feature: Start-up and shut-down — refuse to start broken, start together, stop without losing work

  Business Value Justification
    Segment:        every user, through every deploy and every scale-out
    Business goal:  zero broken deploys reach users; zero runs lost to a deploy
    Value impact:   a misconfigured service refuses to start and names the
                    setting at fault; well-configured instances come up side by
                    side; a shutdown lets running answers finish
    Revenue at risk: the seed plan's third critical issue — factory
                    initialization failures; a service that starts broken
                    fails every user until someone notices, and a deploy that
                    drops sockets loses every answer in flight

  @integration @needs_control @GP-1.2 @GP-1.3 @GP-1.4
  Scenario Outline: A service started with <problem> refuses to start and names <variable>
    When the chat service is started with <problem>
    Then it exits with an error within seconds
    And its error output names <variable>
    And it never answered on its port

    @mission_critical
    Examples: The signing secret
      | problem                                | variable     |
      | no signing secret                      | JWT_SECRET   |

    Examples: The rest of the configuration
      | problem                                | variable     |
      | a signing secret one byte too short    | JWT_SECRET   |
      | no token issuer                        | JWT_ISSUER   |
      | an empty token issuer                  | JWT_ISSUER   |
      | no token audience                      | JWT_AUDIENCE |
      | an empty token audience                | JWT_AUDIENCE |
      | no database address                    | DATABASE_URL |
      | a database address that is not a URL   | DATABASE_URL |
      | no cache address                       | REDIS_URL    |
      | a cache address that is not a URL      | REDIS_URL    |

  @integration @GP-2.1 @GP-2.3
  Scenario: A running service tells the platform it is healthy and ready to serve
    Then the chat service reports itself healthy
    And the chat service reports itself ready

  @mission_critical @integration @needs_control @GP-1.1
  Scenario: Two instances deployed at the same moment on an empty database both come up
    When two instances of the chat service start at the same moment on an empty database
    Then both instances come up ready

  @mission_critical @e2e @needs_control @GP-1.7 @GP-1.10 @GP-1.11
  Scenario: A deploy during Alice's run lets it finish, then says goodbye properly
    Given a chat service with a patient agent, whose database and cache can fail
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And the chat service is told to shut down while Alice's run is in progress
    Then Alice's run still completes
    And Alice's connection is closed as the service going away
    And the chat service exits cleanly

  @e2e @needs_control @GP-1.6 @GP-1.9
  Scenario: During a deploy a new tab is not let in, and a new question is told to retry elsewhere
    Given a chat service with a very slow agent, whose database and cache can fail
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And the chat service is told to shut down while Alice's run is in progress
    And Alice asks another question and tries to open another tab while it shuts down
    Then Alice's new question is told the service is unavailable
    And Alice's new tab is not let in

  @e2e @needs_control @GP-1.8 @GP-1.10
  Scenario: A run still going when the deploy's grace period ends is ended with an explanation before the goodbye
    Given a chat service with a very slow agent, whose database and cache can fail
    And Alice is signed in
    And Alice has the chat open
    When Alice asks the agent to analyse her AI spend
    And the chat service is told to shut down while Alice's run is in progress
    Then Alice is told the run failed, with an explanation, before her connection is closed as the service going away
