//! The symbolic interpretation of the shared semantics: every atom of
//! [`Interpretation`] becomes a [`Term`] over the [`RequestModel`]. Nothing
//! here combines atoms: statements, conditions and layers come from
//! `semantics/`, exactly as the concrete evaluator runs them.
//!
//! Actions are compared on the lower-case service and name variables (case
//! insensitivity by construction). Numbers are exact scaled integers, dates
//! milliseconds, IP addresses 128-bit vectors with a family flag; Bool and
//! Binary values are strings. Policy variables become string terms (the
//! key's first value) tied into the pattern by concatenation.
//!
//! Trusts `request_model.rs` (variables and axioms), `patterns.rs` (glob
//! compilation) and the parsed policy values.

use super::patterns::{
    arn_like_matches, equals_ignoring_case, glob_matches, items_of_tokens, resource_glob_matches,
    GlobItem,
};
use super::request_model::{RequestModel, SymbolicValue};
use super::term::{TemplateAtom, TemplatePiece, TemplateRule, Term};
use super::unsupported::{PolicyElement, Unsupported};
use crate::policy::pattern::{GlobToken, WildcardRule};
use crate::policy::template::{ResolvedPiece, Template, TemplatePart};
use crate::policy::{ActionPattern, Comparison, ConditionValue, Ordering, ResourcePattern};
use crate::request::PrincipalKind;
use crate::semantics::{Interpretation, PrincipalField, Quantifier};
use crate::values::{parse_date, parse_ip_range, Decimal};
use std::cell::RefCell;
use std::collections::HashMap;

/// Builds terms for the atoms over one request model.
pub struct SymbolicInterpretation<'m> {
    model: &'m RequestModel,
    unsupported: RefCell<Vec<Unsupported>>,
    action_cache: RefCell<HashMap<String, Term>>,
    resource_cache: RefCell<HashMap<String, Term>>,
}

/// One piece of a resolved policy value.
#[derive(Debug, Clone)]
enum Piece {
    /// Policy text: wildcards live where the operator allows.
    PolicyText(String),
    /// Literal text (an escape or a variable's value).
    Literal(Term),
}

impl<'m> SymbolicInterpretation<'m> {
    pub fn new(model: &'m RequestModel) -> Self {
        SymbolicInterpretation {
            model,
            unsupported: RefCell::new(Vec::new()),
            action_cache: RefCell::new(HashMap::new()),
            resource_cache: RefCell::new(HashMap::new()),
        }
    }

    pub fn model(&self) -> &RequestModel {
        self.model
    }

    /// Constructs met so far that the encoding does not support (their
    /// atoms were encoded as false; a query must not trust its verdict).
    pub fn unsupported(&self) -> Vec<Unsupported> {
        self.unsupported.borrow().clone()
    }

    fn refuse(&self, what: Unsupported) -> Term {
        let mut unsupported = self.unsupported.borrow_mut();
        if !unsupported.contains(&what) {
            unsupported.push(what);
        }
        Term::falsity()
    }

    /// Resolves a template: its pieces and the guard that every variable
    /// without a default is present.
    fn resolve(&self, template: &Template) -> Result<(Vec<Piece>, Term), String> {
        let mut pieces = Vec::new();
        let mut guards = Vec::new();
        for part in &template.parts {
            match part {
                TemplatePart::Text(text) => pieces.push(Piece::PolicyText(text.clone())),
                TemplatePart::EscapedCharacter(character) => {
                    pieces.push(Piece::Literal(Term::string(&character.to_string())))
                }
                TemplatePart::Variable {
                    key,
                    key_lowercase,
                    default,
                } => {
                    let Some(key_model) = self.model.keys.get(key_lowercase) else {
                        return Err(format!("policy variable `${{{key}}}` has no model"));
                    };
                    let Some(value) = key_model.first_text() else {
                        return Err(format!("policy variable `${{{key}}}` is not text"));
                    };
                    let present = key_model.present();
                    match default {
                        Some(default) => pieces.push(Piece::Literal(Term::ite(
                            &present,
                            &value,
                            &Term::string(default),
                        ))),
                        None => {
                            guards.push(present);
                            pieces.push(Piece::Literal(value));
                        }
                    }
                }
            }
        }
        Ok((pieces, Term::and(guards)))
    }

    /// Glob items of resolved pieces under a wildcard rule.
    fn glob_items(pieces: &[Piece], rule: WildcardRule) -> Result<Vec<GlobItem>, String> {
        // Flatten to characters (wildcard-capable or not) and symbolic runs.
        enum Element {
            Character(char, bool),
            Symbolic(Term),
        }
        let mut elements = Vec::new();
        for piece in pieces {
            match piece {
                Piece::PolicyText(text) => {
                    elements.extend(text.chars().map(|c| Element::Character(c, true)))
                }
                Piece::Literal(term) => match term.as_string() {
                    Some(text) => {
                        elements.extend(text.chars().map(|c| Element::Character(c, false)))
                    }
                    None => elements.push(Element::Symbolic(term.clone())),
                },
            }
        }
        let mut items = Vec::new();
        let mut literal = String::new();
        let flush = |literal: &mut String, items: &mut Vec<GlobItem>| {
            if !literal.is_empty() {
                items.push(GlobItem::Literal(Term::string(literal)));
                literal.clear();
            }
        };
        for (index, element) in elements.iter().enumerate() {
            match element {
                Element::Symbolic(term) => {
                    flush(&mut literal, &mut items);
                    items.push(GlobItem::Literal(term.clone()));
                }
                Element::Character('*', true) if rule != WildcardRule::Literal => {
                    flush(&mut literal, &mut items);
                    let crosses_colons = match rule {
                        WildcardRule::Plain => true,
                        WildcardRule::ArnSegments => match elements.get(index + 1) {
                            None => true,
                            Some(Element::Character(next, _)) => *next == ':',
                            Some(Element::Symbolic(_)) => {
                                return Err(
                                    "a `*` directly before a policy variable in a resource".into()
                                )
                            }
                        },
                        _ => false,
                    };
                    items.push(GlobItem::Many { crosses_colons });
                }
                Element::Character('?', true) if rule != WildcardRule::Literal => {
                    flush(&mut literal, &mut items);
                    items.push(GlobItem::One {
                        crosses_colons: rule == WildcardRule::Plain,
                    });
                }
                Element::Character(character, _) => literal.push(*character),
            }
        }
        flush(&mut literal, &mut items);
        Ok(items)
    }

    /// A pattern with policy variables as a [`TemplateAtom`].
    fn template(
        subject: &Term,
        parts: Vec<Term>,
        pieces: &[Piece],
        rule: TemplateRule,
        string_encoding: Option<Term>,
    ) -> Term {
        Term::template_match(TemplateAtom {
            subject: subject.clone(),
            pieces: pieces
                .iter()
                .map(|piece| match piece {
                    Piece::PolicyText(text) => TemplatePiece::PolicyText(text.clone()),
                    Piece::Literal(term) => TemplatePiece::Value(term.clone()),
                })
                .collect(),
            rule,
            parts,
            string_encoding,
        })
    }

    fn literal_of(pieces: &[Piece]) -> Term {
        Term::concat(pieces.iter().map(|piece| match piece {
            Piece::PolicyText(text) => Term::string(text),
            Piece::Literal(term) => term.clone(),
        }))
    }

    fn constant_text(pieces: &[Piece]) -> Option<String> {
        Self::literal_of(pieces).as_string().map(str::to_string)
    }

    fn compare_text(
        &self,
        comparison: Comparison,
        value: &Term,
        components: Option<&[Term; 6]>,
        pieces: &[Piece],
    ) -> Result<Term, String> {
        let symbolic = pieces
            .iter()
            .any(|piece| matches!(piece, Piece::Literal(term) if term.as_string().is_none()));
        // `StringEquals: "${key}"`: two variables equal, which every back
        // end decides natively.
        if let (Comparison::StringEquals, [Piece::Literal(term)]) = (comparison, pieces) {
            return Ok(value.equals(term));
        }
        if symbolic {
            // Policy variables: a template atom, decided per model by the
            // atom back end, carrying the string encoding when one exists.
            let rule = match comparison {
                Comparison::StringEquals | Comparison::BinaryEquals => {
                    TemplateRule::Glob(WildcardRule::Literal)
                }
                Comparison::StringLike => TemplateRule::Glob(WildcardRule::Plain),
                Comparison::StringEqualsIgnoreCase => TemplateRule::EqualsIgnoringCase,
                Comparison::ArnLike => TemplateRule::Arn,
                _ => return self.compare_constant_text(comparison, value, components, pieces),
            };
            let encoding = self
                .compare_constant_text(comparison, value, components, pieces)
                .ok();
            let parts = components.map(|parts| parts.to_vec()).unwrap_or_default();
            return Ok(Self::template(value, parts, pieces, rule, encoding));
        }
        self.compare_constant_text(comparison, value, components, pieces)
    }

    fn compare_constant_text(
        &self,
        comparison: Comparison,
        value: &Term,
        components: Option<&[Term; 6]>,
        pieces: &[Piece],
    ) -> Result<Term, String> {
        Ok(match comparison {
            Comparison::StringEquals | Comparison::BinaryEquals => {
                value.equals(&Self::literal_of(pieces))
            }
            Comparison::StringEqualsIgnoreCase => match Self::constant_text(pieces) {
                Some(text) => equals_ignoring_case(value, &text),
                None => return Err("StringEqualsIgnoreCase with a policy variable".into()),
            },
            Comparison::StringLike => {
                glob_matches(value, &Self::glob_items(pieces, WildcardRule::Plain)?)
                    .map_err(|error| error.to_string())?
            }
            Comparison::Bool => {
                let text = Self::constant_text(pieces).unwrap_or_default();
                let lower = text.to_ascii_lowercase();
                if lower == "true" || lower == "false" {
                    value.equals(&Term::string(&lower))
                } else {
                    Term::falsity()
                }
            }
            Comparison::ArnLike => {
                let Some(text) = Self::constant_text_with_wildcards(pieces) else {
                    return Err("ArnLike/ArnEquals with a policy variable".into());
                };
                let resolved: Vec<ResolvedPiece<'_>> = text
                    .iter()
                    .map(|(piece, wildcard)| {
                        if *wildcard {
                            ResolvedPiece::PolicyText(piece.as_str())
                        } else {
                            ResolvedPiece::Literal(piece.as_str().into())
                        }
                    })
                    .collect();
                arn_like_matches(value, components.map(|parts| &parts[..]), &resolved)
                    .map_err(|error| error.to_string())?
            }
            other => return Err(format!("{other:?} on a text key")),
        })
    }

    /// Constant pieces with their wildcard capability.
    fn constant_text_with_wildcards(pieces: &[Piece]) -> Option<Vec<(String, bool)>> {
        pieces
            .iter()
            .map(|piece| match piece {
                Piece::PolicyText(text) => Some((text.clone(), true)),
                Piece::Literal(term) => term.as_string().map(|text| (text.to_string(), false)),
            })
            .collect()
    }

    fn compare_value(
        &self,
        comparison: Comparison,
        value: &SymbolicValue,
        policy_value: &ConditionValue,
    ) -> Result<Term, String> {
        match (comparison, value) {
            (Comparison::Numeric(ordering), SymbolicValue::Number { scaled, scale }) => {
                let Some((numerator, digits)) = Decimal::parse(&policy_value.text)
                    .and_then(|decimal| decimal.as_scaled_integer())
                else {
                    return Ok(Term::falsity());
                };
                let factor = 10i128
                    .checked_pow(scale.saturating_sub(digits))
                    .ok_or("number out of range")?;
                let literal = numerator
                    .checked_mul(factor)
                    .ok_or_else(|| format!("number `{}` out of range", policy_value.text))?;
                Ok(order(ordering, scaled, &Term::int(literal)))
            }
            (Comparison::Date(ordering), SymbolicValue::Date { milliseconds }) => {
                match parse_date(&policy_value.text) {
                    Some(date) => Ok(order(ordering, milliseconds, &Term::int(i128::from(date)))),
                    None => Ok(Term::falsity()),
                }
            }
            (Comparison::IpInRange, SymbolicValue::Ip { bits, is_v6 }) => {
                match parse_ip_range(&policy_value.text) {
                    Some(range) => Ok(Term::and([
                        is_v6.equals(&Term::bool(range.is_v6)),
                        Term::bit_vector(range.first, 128).bit_vector_less_or_equal(bits),
                        bits.bit_vector_less_or_equal(&Term::bit_vector(range.last, 128)),
                    ])),
                    None => Ok(Term::falsity()),
                }
            }
            (_, SymbolicValue::Text { value, components }) => {
                let (pieces, guard) = self.resolve(&policy_value.template)?;
                let core = self.compare_text(comparison, value, components.as_deref(), &pieces)?;
                Ok(guard.and2(&core))
            }
            (comparison, value) => Err(format!(
                "{comparison:?} on a key holding {}",
                match value {
                    SymbolicValue::Number { .. } => "numbers",
                    SymbolicValue::Date { .. } => "dates",
                    SymbolicValue::Ip { .. } => "IP addresses",
                    SymbolicValue::Text { .. } => "text",
                }
            )),
        }
    }

    fn account_is(&self, account: &str) -> Term {
        self.model.principal.account.equals(&Term::string(account))
    }
}

fn order(ordering: Ordering, left: &Term, right: &Term) -> Term {
    match ordering {
        Ordering::Equal => left.equals(right),
        Ordering::LessThan => left.less_than(right),
        Ordering::LessThanOrEqual => left.less_or_equal(right),
        Ordering::GreaterThan => right.less_than(left),
        Ordering::GreaterThanOrEqual => right.less_or_equal(left),
    }
}

impl Interpretation for SymbolicInterpretation<'_> {
    type Bool = Term;
    type KeyValue = SymbolicValue;

    fn constant(&self, value: bool) -> Term {
        Term::bool(value)
    }
    fn not(&self, value: Term) -> Term {
        value.not()
    }
    fn and2(&self, left: Term, right: Term) -> Term {
        Term::and([left, right])
    }
    fn or2(&self, left: Term, right: Term) -> Term {
        Term::or([left, right])
    }
    fn if_then_else(&self, condition: Term, then: Term, otherwise: Term) -> Term {
        Term::ite(&condition, &then, &otherwise)
    }
    fn all_of<T>(&self, items: &[T], mut test: impl FnMut(&T) -> Term) -> Term {
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            let term = test(item);
            if term.is_false() {
                return term;
            }
            parts.push(term);
        }
        Term::and(parts)
    }
    fn any_of<T>(&self, items: &[T], mut test: impl FnMut(&T) -> Term) -> Term {
        let mut parts = Vec::with_capacity(items.len());
        for item in items {
            let term = test(item);
            if term.is_true() {
                return term;
            }
            parts.push(term);
        }
        Term::or(parts)
    }

    fn action_matches(&self, pattern: &ActionPattern) -> Term {
        if let Some(term) = self
            .action_cache
            .borrow()
            .get(&pattern.text.to_ascii_lowercase())
        {
            return term.clone();
        }
        let model = self.model;
        let glob = &pattern.glob;
        let result = if glob.matches_everything() {
            Ok(Term::truth())
        } else {
            match glob.tokens.first() {
                // `service:name…`: the service is a literal, the rest a glob on the name.
                Some(GlobToken::Literal(head)) if head.contains(':') => {
                    let (service, name_head) = head.split_once(':').unwrap_or((head, ""));
                    let mut items = vec![GlobItem::Literal(Term::string(name_head))];
                    items.extend(items_of_tokens(&glob.tokens[1..]));
                    glob_matches(&model.action_name, &items).map(|name| {
                        model
                            .action_service
                            .equals(&Term::string(service))
                            .and2(&name)
                    })
                }
                _ => {
                    let action = Term::concat([
                        model.action_service.clone(),
                        Term::string(":"),
                        model.action_name.clone(),
                    ]);
                    glob_matches(&action, &items_of_tokens(&glob.tokens))
                }
            }
        };
        let term = match result {
            Ok(term) => term,
            Err(error) => self.refuse(Unsupported::PolicyElement {
                element: PolicyElement::Action,
                text: pattern.text.clone(),
                why: error.to_string(),
            }),
        };
        self.action_cache
            .borrow_mut()
            .insert(pattern.text.to_ascii_lowercase(), term.clone());
        term
    }

    fn resource_matches(&self, pattern: &ResourcePattern) -> Term {
        // The same text is a different pattern with and without policy
        // variables (a Version 2008-10-17 policy reads `${…}` literally),
        // and both sides of a comparison share this cache.
        let cache_key = format!(
            "{}{}",
            if pattern.template.is_constant() {
                "literal:"
            } else {
                "template:"
            },
            pattern.text
        );
        if let Some(term) = self.resource_cache.borrow().get(&cache_key) {
            return term.clone();
        }
        let model = self.model;
        let matches = |items: &[GlobItem]| {
            resource_glob_matches(&model.resource_is_arn, &model.resource_components, items)
                .map_err(|error| error.to_string())
        };
        let result = match &pattern.constant_glob {
            Some(glob) if glob.matches_everything() => Ok(Term::truth()),
            Some(glob) => matches(&items_of_tokens(&glob.tokens)),
            // Policy variables: a template atom (decided per model by the
            // atom back end), with its string encoding when there is one.
            None => self.resolve(&pattern.template).map(|(pieces, guard)| {
                let compiled = Self::glob_items(&pieces, WildcardRule::ArnSegments)
                    .and_then(|items| matches(&items))
                    .ok();
                let mut parts = vec![model.resource_is_arn.clone()];
                parts.extend(model.resource_components.iter().cloned());
                let term = Self::template(
                    &model.resource,
                    parts,
                    &pieces,
                    TemplateRule::Glob(WildcardRule::ArnSegments),
                    compiled,
                );
                guard.and2(&term)
            }),
        };
        let term = match result {
            Ok(term) => term,
            Err(error) => self.refuse(Unsupported::PolicyElement {
                element: PolicyElement::Resource,
                text: pattern.text.clone(),
                why: error.to_string(),
            }),
        };
        self.resource_cache
            .borrow_mut()
            .insert(cache_key, term.clone());
        term
    }

    fn principal_is(&self, kind: PrincipalKind) -> Term {
        self.model.principal.is(kind)
    }

    fn principal_field_is(&self, field: PrincipalField, text: &str) -> Term {
        let p = &self.model.principal;
        let value = match field {
            PrincipalField::Account => &p.account,
            PrincipalField::Text => &p.text,
            PrincipalField::RoleArn => &p.role_arn,
            PrincipalField::SessionArn => &p.session_arn,
            PrincipalField::PrincipalArn => return p.principal_arn().equals(&Term::string(text)),
        };
        value.equals(&Term::string(text))
    }

    fn principal_is_service_linked_role(&self) -> Term {
        self.model.principal.is_service_linked_role()
    }

    fn principal_in_resource_account(&self) -> Term {
        let p = &self.model.principal;
        Term::and([
            p.account.equals(&Term::string("")).not(),
            p.account.equals(&self.model.resource_account),
        ])
    }

    fn principal_account_in(&self, accounts: &[String]) -> Term {
        Term::or(accounts.iter().map(|account| self.account_is(account)))
    }

    fn resource_account_in(&self, accounts: &[String]) -> Term {
        Term::or(
            accounts
                .iter()
                .map(|account| self.model.resource_account.equals(&Term::string(account))),
        )
    }

    fn action_service_in(&self, services: &[String]) -> Term {
        Term::or(
            services
                .iter()
                .map(|service| self.model.action_service.equals(&Term::string(service))),
        )
    }

    fn key_present(&self, key: &str) -> Term {
        self.model
            .keys
            .get(key)
            .map(|key_model| key_model.present())
            .unwrap_or_else(Term::falsity)
    }

    fn for_key_values(
        &self,
        key: &str,
        quantifier: Quantifier,
        test: &mut dyn FnMut(&SymbolicValue) -> Term,
    ) -> Term {
        let Some(key_model) = self.model.keys.get(key) else {
            return Term::bool(quantifier == Quantifier::All);
        };
        match quantifier {
            Quantifier::All => Term::and(
                key_model
                    .slots
                    .iter()
                    .map(|slot| slot.active.implies(&test(&slot.value))),
            ),
            Quantifier::Any => Term::or(
                key_model
                    .slots
                    .iter()
                    .map(|slot| slot.active.and2(&test(&slot.value))),
            ),
        }
    }

    fn compare(
        &self,
        comparison: Comparison,
        value: &SymbolicValue,
        policy_value: &ConditionValue,
    ) -> Term {
        match self.compare_value(comparison, value, policy_value) {
            Ok(term) => term,
            Err(error) => self.refuse(Unsupported::PolicyElement {
                element: PolicyElement::ConditionValue,
                text: policy_value.text.clone(),
                why: error.to_string(),
            }),
        }
    }
}
