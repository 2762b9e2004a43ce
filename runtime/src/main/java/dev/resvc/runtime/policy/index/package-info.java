/**
 * Lookup tables that generated policies of many rules use to find the few rules that can hold for a
 * decision, instead of testing every rule in turn. A generated class builds them once, from text
 * tables it carries (one line per key or window, readable in the generated source), and asks them for
 * candidate rule numbers; it still tests each candidate's whole condition, so a table only has to
 * over-approximate. See docs/codegen.md.
 */
package dev.resvc.runtime.policy.index;
