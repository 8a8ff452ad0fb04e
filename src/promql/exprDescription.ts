/** Short human descriptions of AST nodes for error messages (`identifier "foo"`). */
import type { Expr } from './ast.ts';

export function describeExpr(e: Expr): string {
  switch (e.type) {
    case 'VectorSelector':
      return e.name ? `identifier ${JSON.stringify(e.name)}` : 'vector selector';
    case 'MatrixSelector':
      return 'range vector selector';
    case 'SubqueryExpr':
      return 'subquery';
    case 'StringLiteral':
      return `string ${JSON.stringify(e.val)}`;
    case 'NumberLiteral':
      return `number ${e.val}`;
    case 'Call':
      return `function ${JSON.stringify(e.func)}`;
    case 'AggregateExpr':
      return `aggregation ${JSON.stringify(e.op)}`;
    case 'BinaryExpr':
      return `binary expression ${JSON.stringify(e.op)}`;
    case 'UnaryExpr':
      return 'unary expression';
    case 'ParenExpr':
      return 'parenthesized expression';
  }
}
