import { identifierFrom, parameterNameProblem } from './pipeline-names';

describe('pipeline names', () => {
  it('takes Python identifiers that start with a letter as parameter names (kfp refuses _x)', () => {
    expect(['x', 'learning_rate', 'X1', 'x_', 'a__b'].map(parameterNameProblem)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    for (const name of ['_x', '__x', '_', '_1', '1x', 'class', 'a-b', 'a b', 'é']) expect(parameterNameProblem(name)).toBeDefined();
  });

  it('makes parameter names kfp accepts from input and task names', () => {
    expect(['train-model', '_seed', '__x', '2nd', '2nd-task', '_1x', '_', 'class', 'Mixed.Case'].map(identifierFrom)).toEqual([
      'train_model',
      'seed',
      'x',
      'p_2nd',
      'p_2nd_task',
      'p_1x',
      'p',
      'class_',
      'Mixed_Case',
    ]);
    for (const name of ['train-model', '_seed', '2nd', '_', 'class']) expect(parameterNameProblem(identifierFrom(name))).toBeUndefined();
  });
});
