/*
 * The .resv policy language (summarised in docs/language-syntax.md). Only dev.resvc.compiler.syntax uses the
 * generated classes; everything else sees the AST. No actions or semantic predicates here: literal
 * values, ranges and error messages are the hand-written front end's business.
 */
grammar Resv;

// ---------------------------------------------------------------------------------------------
// Parser

file : topItem* EOF ;

topItem
  : policyDecl
  | importDecl
  | constDecl
  | predicateDecl
  | classifyDecl
  | conflictsDecl
  | testDecl
  ;

policyDecl    : POLICY qualifiedName SEMI ;
qualifiedName : ident (DOT ident)* ;
importDecl    : IMPORT STRING SEMI ;
constDecl     : CONST ident ASSIGN expr SEMI ;
predicateDecl : PREDICATE ident ASSIGN expr SEMI ;
classifyDecl  : CLASSIFY LBRACE ruleItem* RBRACE ;
conflictsDecl : CONFLICTS LBRACE ruleItem* RBRACE ;

ruleItem
  : ruleDef
  | defaultItem
  ;

ruleDef     : RULE ident COLON WHEN expr ARROW action SEMI ;
defaultItem : DEFAULT ARROW action SEMI ;

action
  : KEEP              # keepAction
  | DROP              # dropAction
  | ALLOW             # allowAction
  | severity STRING   # reportAction
  | ident             # setTypeAction
  ;

severity : FATAL | WARN | INFO ;

testDecl : TEST STRING LBRACE testStmt* RBRACE ;

testStmt
  : deviceStmt
  | platformStmt
  | regionStmt
  | guestStmt
  | kernelStmt
  | backendStmt
  | iommuStmt
  | msiStmt
  | expectStmt
  ;

deviceStmt : DEVICE BDF attr* SEMI ;
// A group member that is not PCI, by its kernel name (docs/language.md, "Tests").
platformStmt : PLATFORM STRING platformAttr* SEMI ;
// Every attribute of a `platform` statement has a value, a name for `kind` (`kind fsl-mc`).
platformAttr : ID (attrValue | ident) ;
regionStmt : REGION ident rangeExpr (TYPE ident)? ON (BDF | STRING) SEMI ;
guestStmt  : GUEST (STRING | ident attr*) SEMI ;
attr       : ID attrValue? ;
// The kernel a test answers for (docs/language.md, "Tests"): its release, backend, IOMMU driver and
// whether MSIs are isolated; each defaults to TargetKernel.newest().
kernelStmt  : KERNEL VERSION SEMI ;
backendStmt : BACKEND ident SEMI ;
iommuStmt   : IOMMU ident SEMI ;
msiStmt     : MSI NOT? ISOLATED SEMI ;
attrValue  : literal ((DOTDOT | PLUS) literal)? ;

expectStmt : EXPECT expectation SEMI ;

expectation
  : device=(BDF | STRING) REGION primary (TYPE ident | DROPPED)   # expectRegion
  | NOT? ASSIGNABLE device=(BDF | STRING)?                        # expectAssignable
  | severity (RULE ident)? (ON device=(BDF | STRING))?            # expectFinding
  | NO FINDINGS                                                   # expectNoFindings
  | stage=(ATTACH | MAP) outcome (AT rangeExpr)? (ON device=(BDF | STRING))?  # expectStep
  ;

// A kernel step's outcome (docs/language.md, "Tests"): `fails EPERM` names a kernel.Errno.
outcome
  : FAILS ident   # failsOutcome
  | SUCCEEDS      # succeedsOutcome
  ;

// Conditions and values, lowest precedence first. Chains are loops, not recursion, so that a long
// `a and b and …` or `not not …` never deepens the parser's stack; only parentheses nest.
expr    : andExpr (OR andExpr)* ;
andExpr : notExpr (AND notExpr)* ;
notExpr : NOT* relExpr ;

relExpr
  : rangeExpr ( compareOp rangeExpr
              | NOT? IN container
              | MATCHES rangeExpr
              | HAS rangeExpr
              )?
  ;

compareOp : EQ | NE | LT | LE | GT | GE ;

container
  : LBRACE (rangeExpr (COMMA rangeExpr)*)? RBRACE   # setContainer
  | rangeExpr                                       # rangeContainer
  ;

rangeExpr : primary ((DOTDOT | PLUS) primary)? ;

primary
  : literal                                            # literalPrimary
  | obj=ident DOT name=ident LPAREN arguments? RPAREN  # methodCallPrimary
  | obj=ident DOT name=ident                           # fieldPrimary
  | name=ident LPAREN arguments? RPAREN                # callPrimary
  | name=ident                                         # namePrimary
  | LPAREN expr RPAREN                                 # parenPrimary
  ;

arguments : expr (COMMA expr)* ;

literal
  : DEC | HEX | BIN | VERSION | CLASS_PATTERN | STRING | BDF | TRUE | FALSE
  ;

// `device`, `platform`, `region`, `guest`, `type`, `kernel`, `backend`, `iommu`, `msi` and `isolated`
// are keywords of test statements but also objects, fields and constants of conditions (`device.class`,
// `region.type`, `kernel.backend`, `region.type == msi`, `device.kind == platform`); the step expectation's words (`attach`,
// `map`, `fails`, `succeeds`, `at`) stay usable as names too.
ident
  : ID | DEVICE | PLATFORM | REGION | GUEST | TYPE | KERNEL | BACKEND | IOMMU | MSI | ISOLATED
  | ATTACH | MAP | FAILS | SUCCEEDS | AT
  ;

// ---------------------------------------------------------------------------------------------
// Lexer

POLICY     : 'policy' ;
IMPORT     : 'import' ;
CONST      : 'const' ;
PREDICATE  : 'predicate' ;
CLASSIFY   : 'classify' ;
CONFLICTS  : 'conflicts' ;
TEST       : 'test' ;
RULE       : 'rule' ;
WHEN       : 'when' ;
DEFAULT    : 'default' ;
KEEP       : 'keep' ;
DROP       : 'drop' ;
ALLOW      : 'allow' ;
FATAL      : 'fatal' ;
WARN       : 'warn' ;
INFO       : 'info' ;
AND        : 'and' ;
OR         : 'or' ;
NOT        : 'not' ;
IN         : 'in' ;
MATCHES    : 'matches' ;
HAS        : 'has' ;
TRUE       : 'true' ;
FALSE      : 'false' ;
DEVICE     : 'device' ;
PLATFORM   : 'platform' ;
REGION     : 'region' ;
GUEST      : 'guest' ;
EXPECT     : 'expect' ;
ON         : 'on' ;
TYPE       : 'type' ;
ASSIGNABLE : 'assignable' ;
DROPPED    : 'dropped' ;
NO         : 'no' ;
FINDINGS   : 'findings' ;
KERNEL     : 'kernel' ;
BACKEND    : 'backend' ;
IOMMU      : 'iommu' ;
MSI        : 'msi' ;
ISOLATED   : 'isolated' ;
ATTACH     : 'attach' ;
MAP        : 'map' ;
FAILS      : 'fails' ;
SUCCEEDS   : 'succeeds' ;
AT         : 'at' ;

// PCI addresses: bus:device.function with an optional 4-digit segment. Range checks (device <= 0x1f,
// function <= 7) are the front end's, so that `00:20.0` gets a clear message rather than a lexer error.
BDF
  : (HEXDIGIT HEXDIGIT HEXDIGIT HEXDIGIT ':')? HEXDIGIT HEXDIGIT ':' HEXDIGIT HEXDIGIT '.' HEXDIGIT
  ;

// 0x0c03xx (base + subclass), 0x03xxxx (base class). Longer than a hex literal, so it wins.
CLASS_PATTERN
  : '0' [xX] HEXDIGIT HEXDIGIT (HEXDIGIT HEXDIGIT [xX] [xX] | [xX] [xX] [xX] [xX])
  ;

// A kernel release, X.Y or X.Y.Z (kernel.version >= 6.6). Digits on both sides of each dot, so
// `5..6` is still an integer range and `5.3 .. 6.5` a range of releases; part range checks are the
// front end's.
VERSION : [0-9]+ '.' [0-9]+ ('.' [0-9]+)? ;

HEX : '0' [xX] HEXDIGIT (HEXDIGIT | '_')* ;
BIN : '0' [bB] [01] [01_]* ;
DEC : [0-9] [0-9_]* [KMGTPE]? ;

ID : [A-Za-z_] [A-Za-z0-9_]* ('-' [A-Za-z0-9_]+)* ;

STRING : '"' (ESCAPE | ~["\\\r\n])* '"' ;
// A string that reaches the end of its line; the front end reports it and treats it as a string.
UNTERMINATED_STRING : '"' (ESCAPE | ~["\\\r\n])* '\\'? ;

EQ     : '==' ;
NE     : '!=' ;
LE     : '<=' ;
GE     : '>=' ;
LT     : '<' ;
GT     : '>' ;
ARROW  : '=>' ;
ASSIGN : '=' ;
DOTDOT : '..' ;
DOT    : '.' ;
PLUS   : '+' ;
COLON  : ':' ;
SEMI   : ';' ;
COMMA  : ',' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACE : '{' ;
RBRACE : '}' ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
// Runs to end of file when unclosed; the front end reports that.
BLOCK_COMMENT : '/*' .*? ('*/' | EOF) -> channel(HIDDEN) ;

WS : [ \t\r\n\f\uFEFF]+ -> skip ;

// Anything else: the front end reports it as an unknown character and drops it.
UNKNOWN_CHAR : . ;

fragment ESCAPE   : '\\' ~[\r\n] ;
fragment HEXDIGIT : [0-9a-fA-F] ;
