/**
 * PromQL concrete-syntax parser (chevrotain CstParser). Precedence follows Prometheus, lowest
 * first: `or`; `and`/`unless`; comparisons; `+ -`; `* / % atan2`; unary `+ -`; `^` (right
 * associative, so `-2 ^ 2` is `-(2 ^ 2)` and `2 ^ 3 ^ 2` is `2 ^ (3 ^ 2)`); then the postfix
 * range/subquery brackets, `offset` and `@`, which bind tightest.
 *
 * Bracket contents and offsets are parsed as ordinary expressions; the AST builder checks
 * that they are duration expressions (`[5m]`, `[1h/2]`, `[step()+1ms]`, `offset (1m*2)`).
 *
 * One instance is reused for every query (reset by assigning `.input`); error recovery is off
 * so any syntax error aborts the parse and is reported with the offending token.
 */
import { CstParser, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType, EOF } from 'chevrotain';
import * as T from './tokens.ts';

export class PromQLParser extends CstParser {
  /**
   * Alternatives/repetition options are built once per call site and reused: re-creating
   * them on every rule call is slow under tsx/esbuild, whose keepNames renames each closure.
   */
  private readonly built = new Map<string, unknown>();
  private once<T>(site: string, make: () => T): T {
    let v = this.built.get(site) as T | undefined;
    if (v === undefined) this.built.set(site, (v = make()));
    return v;
  }

  constructor(errorMessageProvider?: IParserErrorMessageProvider) {
    super(T.allTokens, {
      recoveryEnabled: false,
      nodeLocationTracking: 'onlyOffset',
      maxLookahead: 3,
      ...(errorMessageProvider ? { errorMessageProvider } : {}),
    });
    this.performSelfAnalysis();
  }

  /** Entry point: one expression and nothing after it. */
  query = this.RULE('query', () => {
    this.SUBRULE(this.expression);
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.orExpr);
  });

  orExpr = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.OrOp, { LABEL: 'operators' });
      this.SUBRULE(this.binModifiers, { LABEL: 'modifiers' });
      this.SUBRULE2(this.andExpr, { LABEL: 'operands' });
    });
  });

  andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.comparisonExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.AndUnlessOp, { LABEL: 'operators' });
      this.SUBRULE(this.binModifiers, { LABEL: 'modifiers' });
      this.SUBRULE2(this.comparisonExpr, { LABEL: 'operands' });
    });
  });

  comparisonExpr = this.RULE('comparisonExpr', () => {
    this.SUBRULE(this.additiveExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.ComparisonOp, { LABEL: 'operators' });
      this.SUBRULE(this.binModifiers, { LABEL: 'modifiers' });
      this.SUBRULE2(this.additiveExpr, { LABEL: 'operands' });
    });
  });

  additiveExpr = this.RULE('additiveExpr', () => {
    this.SUBRULE(this.multiplicativeExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.AdditiveOp, { LABEL: 'operators' });
      this.SUBRULE(this.binModifiers, { LABEL: 'modifiers' });
      this.SUBRULE2(this.multiplicativeExpr, { LABEL: 'operands' });
    });
  });

  multiplicativeExpr = this.RULE('multiplicativeExpr', () => {
    this.SUBRULE(this.unaryExpr, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOp, { LABEL: 'operators' });
      this.SUBRULE(this.binModifiers, { LABEL: 'modifiers' });
      this.SUBRULE2(this.unaryExpr, { LABEL: 'operands' });
    });
  });

  unaryExpr = this.RULE('unaryExpr', () => {
    this.OR(this.once('unary', () => ([
      {
        ALT: () => {
          this.CONSUME(T.AdditiveOp, { LABEL: 'sign' });
          this.SUBRULE(this.unaryExpr, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.powerExpr, { LABEL: 'power' }) },
    ])));
  });

  /** `a ^ b` with b itself a unary expression, which makes `^` right-associative. */
  powerExpr = this.RULE('powerExpr', () => {
    this.SUBRULE(this.postfixExpr, { LABEL: 'base' });
    this.OPTION(() => {
      this.CONSUME(T.Pow, { LABEL: 'operator' });
      this.SUBRULE(this.binModifiers, { LABEL: 'modifiers' });
      this.SUBRULE(this.unaryExpr, { LABEL: 'exponent' });
    });
  });

  /** `bool`, `on(...)`/`ignoring(...)`, `group_left(...)`/`group_right(...)`. */
  binModifiers = this.RULE('binModifiers', () => {
    this.OPTION(() => this.CONSUME(T.Bool));
    this.OPTION2(() => {
      this.OR(this.once('onOrIgnoring', () => ([{ ALT: () => this.CONSUME(T.On) }, { ALT: () => this.CONSUME(T.Ignoring) }])));
      this.SUBRULE(this.labelList, { LABEL: 'matchingLabels' });
      this.OPTION3(() => {
        this.OR2(this.once('groupSide', () => ([{ ALT: () => this.CONSUME(T.GroupLeft) }, { ALT: () => this.CONSUME(T.GroupRight) }])));
        this.OPTION4(() => this.SUBRULE2(this.labelList, { LABEL: 'includeLabels' }));
      });
    });
  });

  /** A primary expression followed by any number of `[range]`, `[range:step]`, `offset`, `@`. */
  postfixExpr = this.RULE('postfixExpr', () => {
    this.SUBRULE(this.primaryExpr);
    this.MANY(() => {
      this.OR(this.once('suffix', () => ([
        { ALT: () => this.SUBRULE(this.bracketSuffix, { LABEL: 'suffixes' }) },
        { ALT: () => this.SUBRULE(this.offsetSuffix, { LABEL: 'suffixes' }) },
        { ALT: () => this.SUBRULE(this.atSuffix, { LABEL: 'suffixes' }) },
      ])));
    });
  });

  /** `[range]` or `[range:step]` / `[range:]`. */
  bracketSuffix = this.RULE('bracketSuffix', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.expression, { LABEL: 'range' });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.OPTION2(() => this.SUBRULE2(this.expression, { LABEL: 'step' }));
    });
    this.CONSUME(T.RBracket);
  });

  /** `offset 5m`, `offset -5m`, `offset (1m * 2)`, `offset step()`, `offset -min_of(step(), 1s)`. */
  offsetSuffix = this.RULE('offsetSuffix', () => {
    this.CONSUME(T.Offset);
    this.OPTION(() => this.CONSUME(T.AdditiveOp, { LABEL: 'sign' }));
    this.OR(this.once('offsetValue', () => ([
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'number' }) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.functionCall) },
    ])));
  });

  /** `@ 1609746000`, `@ -10`, `@ start()`, `@ end()`. */
  atSuffix = this.RULE('atSuffix', () => {
    this.CONSUME(T.At);
    this.OR(this.once('atValue', () => ([
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.AdditiveOp, { LABEL: 'sign' }));
          this.CONSUME(T.NumberLiteral, { LABEL: 'number' });
        },
      },
      {
        ALT: () => {
          this.OR2(this.once('startOrEnd', () => ([{ ALT: () => this.CONSUME(T.Start) }, { ALT: () => this.CONSUME(T.End) }])));
          this.CONSUME(T.LParen);
          this.CONSUME(T.RParen);
        },
      },
    ])));
  });

  primaryExpr = this.RULE('primaryExpr', () => {
    this.OR(this.once('primary', () => ([
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      {
        GATE: () => this.startsAggregation(),
        ALT: () => this.SUBRULE(this.aggregateExpr),
        IGNORE_AMBIGUITIES: true,
      },
      {
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => this.SUBRULE(this.functionCall),
        IGNORE_AMBIGUITIES: true,
      },
      { ALT: () => this.SUBRULE(this.vectorSelector), IGNORE_AMBIGUITIES: true },
    ])));
  });

  parenExpr = this.RULE('parenExpr', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });

  /** `sum by (job) (x)`, `sum (x) without (instance)`, `topk(3, x)`. */
  aggregateExpr = this.RULE('aggregateExpr', () => {
    this.CONSUME(T.AggregateOp);
    this.OR(this.once('aggregateShape', () => ([
      {
        ALT: () => {
          this.SUBRULE(this.grouping);
          this.SUBRULE(this.callArgs);
        },
      },
      {
        ALT: () => {
          this.SUBRULE2(this.callArgs);
          this.OPTION(() => this.SUBRULE2(this.grouping));
        },
      },
    ])));
  });

  grouping = this.RULE('grouping', () => {
    this.OR(this.once('byOrWithout', () => ([{ ALT: () => this.CONSUME(T.By) }, { ALT: () => this.CONSUME(T.Without) }])));
    this.SUBRULE(this.labelList);
  });

  functionCall = this.RULE('functionCall', () => {
    this.CONSUME(T.FunctionName);
    this.SUBRULE(this.callArgs);
  });

  /** `( a, b, c )`, empty `()`, trailing comma allowed as in Prometheus. */
  callArgs = this.RULE('callArgs', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'args' });
      this.MANY(this.once('moreArgs', () => ({
        GATE: () => this.LA(2).tokenType !== T.RParen,
        DEF: () => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.expression, { LABEL: 'args' });
        },
      })));
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  /** `(a, b)` of label names (identifiers, keywords or quoted), trailing comma allowed. */
  labelList = this.RULE('labelList', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.labelNameRef, { LABEL: 'labels' });
      this.MANY(this.once('moreLabels', () => ({
        GATE: () => this.LA(2).tokenType !== T.RParen,
        DEF: () => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.labelNameRef, { LABEL: 'labels' });
        },
      })));
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RParen);
  });

  labelNameRef = this.RULE('labelNameRef', () => {
    this.OR(this.once('labelName', () => ([{ ALT: () => this.CONSUME(T.LabelName) }, { ALT: () => this.CONSUME(T.StringLiteral) }])));
  });

  /** `name`, `name{...}` or `{...}`. */
  vectorSelector = this.RULE('vectorSelector', () => {
    this.OR(this.once('selectorShape', () => ([
      {
        ALT: () => {
          this.CONSUME(T.MetricIdentifier, { LABEL: 'metricName' });
          this.OPTION(() => this.SUBRULE(this.labelMatchers));
        },
      },
      { ALT: () => this.SUBRULE2(this.labelMatchers) },
    ])));
  });

  labelMatchers = this.RULE('labelMatchers', () => {
    this.CONSUME(T.LBrace);
    this.OPTION(() => {
      this.SUBRULE(this.labelMatcher, { LABEL: 'matchers' });
      this.MANY(this.once('moreMatchers', () => ({
        GATE: () => this.LA(2).tokenType !== T.RBrace,
        DEF: () => {
          this.CONSUME(T.Comma);
          this.SUBRULE2(this.labelMatcher, { LABEL: 'matchers' });
        },
      })));
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBrace);
  });

  /** `label op "value"`, `"quoted.label" op "value"`, or a lone quoted metric name `"metric.name"`. */
  labelMatcher = this.RULE('labelMatcher', () => {
    this.OR(this.once('matcherShape', () => ([
      {
        ALT: () => {
          this.OR2(this.once('labelNameOrInfNan', () => ([
            { ALT: () => this.CONSUME(T.LabelName, { LABEL: 'name' }) },
            { ALT: () => this.CONSUME(T.InfNan, { LABEL: 'name' }) },
          ])));
          this.CONSUME(T.MatchOp);
          this.CONSUME(T.StringLiteral, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.StringLiteral, { LABEL: 'quotedName' });
          this.OPTION(() => {
            this.CONSUME2(T.MatchOp);
            this.CONSUME3(T.StringLiteral, { LABEL: 'value' });
          });
        },
      },
    ])));
  });

  private startsAggregation(): boolean {
    if (!isCategory(this.LA(1).tokenType, T.AggregateOp)) return false;
    const next = this.LA(2).tokenType;
    return next === T.LParen || next === T.By || next === T.Without;
  }
}

function isCategory(tokenType: TokenType, category: TokenType): boolean {
  return tokenType !== EOF && (tokenType.CATEGORIES ?? []).includes(category);
}

export type { CstNode, IToken };
