import { defineParameterType } from '@cucumber/cucumber';

/** A person in a scenario, by first name: Alice, Bob, Carol… */
defineParameterType({
  name: 'actor',
  regexp: /[A-Z][a-z]+/,
});
