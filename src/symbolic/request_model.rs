//! The symbolic request: the principal, the action, the resource and every
//! condition key the policies of a query mention, as solver variables, plus
//! the well-formedness axioms (see `axioms.rs`) that keep every solution a
//! request AWS could actually see.
//!
//! Multivalued keys get a bounded number of value slots. The bound is the
//! number of conditions over the key (plus one when a policy variable reads
//! its first value), at least one: each condition quantifies once over the
//! key's values (∃ for ForAnyValue and plain operators, ∀ for
//! ForAllValues). Given any request whose set of values distinguishes two
//! setups, keep one witness value for every ∃ that holds and one
//! counter-witness for every ∀ that fails (and the first value when a
//! variable reads it); every other value can be dropped without changing
//! any condition, because dropping values keeps true ∀s true and false ∃s
//! false. So a distinguishing set of at most that many values exists, and
//! the bound cannot miss a counterexample. Above [`MAX_SLOTS`] the model is
//! labelled approximate.
//!
//! Trusts the parsed policies (`policy/`) and the value parsers (`values/`).

use super::axioms::{binding_of, AxiomId, KeyBinding, MULTIVALUED_KEYS};
use super::term::{Regex, Sort, Term};
use super::unsupported::Unsupported;
use crate::policy::template::TemplatePart;
use crate::policy::{BaseOperator, Comparison, ConditionValue, PolicyDocument};
use crate::request::PrincipalKind;
use crate::semantics::derived_keys::{service_source_key, DerivedKeyFacts, OrganizationKeys};
use crate::values::ip::address_bits;
use crate::values::{parse_date, parse_ip_address, Decimal};
use indexmap::IndexMap;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The largest number of value slots given to one multivalued key.
pub const MAX_SLOTS: usize = 8;

/// The last millisecond of year 9999: dates are kept in ISO-8601 range.
pub const LATEST_DATE_MILLISECONDS: i128 = 253_402_300_799_999;

/// Principal kinds as small integers (the order of [`PrincipalKind`]).
pub const PRINCIPAL_KINDS: [PrincipalKind; 7] = [
    PrincipalKind::IamUser,
    PrincipalKind::RoleSession,
    PrincipalKind::FederatedUser,
    PrincipalKind::AccountRoot,
    PrincipalKind::Service,
    PrincipalKind::FederatedProvider,
    PrincipalKind::Anonymous,
];

pub fn kind_code(kind: PrincipalKind) -> i128 {
    PRINCIPAL_KINDS
        .iter()
        .position(|candidate| *candidate == kind)
        .unwrap_or(0) as i128
}

/// A character-level format a string variable must have. Checked on every
/// model in Rust and asserted (as a regular expression) only when a model
/// breaks it, so the common case never pays for regex constraints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Printable,
    PrintableWithoutColon,
    PrintableWithoutColonOrSlash,
    Digits,
    /// Printable, no `:`, no upper-case letter (action parts).
    LowerCaseWithoutColon,
    /// Lower-case letters, digits, `.` and `-` (service principals).
    ServiceName,
}

impl Format {
    pub fn regex(self) -> Regex {
        let class = match self {
            Format::Printable => vec![Regex::printable()],
            Format::PrintableWithoutColon => {
                vec![Regex::Range(' ', '9'), Regex::Range(';', '~')]
            }
            Format::PrintableWithoutColonOrSlash => vec![
                Regex::Range(' ', '.'),
                Regex::Range('0', '9'),
                Regex::Range(';', '~'),
            ],
            Format::Digits => vec![Regex::Range('0', '9')],
            Format::LowerCaseWithoutColon => vec![
                Regex::Range(' ', '9'),
                Regex::Range(';', '@'),
                Regex::Range('[', '~'),
            ],
            Format::ServiceName => vec![
                Regex::Range('a', 'z'),
                Regex::Range('0', '9'),
                Regex::Literal(".".into()),
                Regex::Literal("-".into()),
            ],
        };
        Regex::star(Regex::Union(class))
    }

    pub fn accepts(self, text: &str) -> bool {
        self.regex().matches(text)
    }

    /// `text` with every character the format refuses replaced by one it
    /// accepts (same length, so length constraints still hold).
    pub fn repair(self, text: &str) -> String {
        let replacement = match self {
            Format::Digits => '0',
            _ => 'x',
        };
        text.chars()
            .map(|character| {
                let lowered = character.to_ascii_lowercase();
                if self.accepts(&character.to_string()) {
                    character
                } else if self.accepts(&lowered.to_string()) {
                    lowered
                } else {
                    replacement
                }
            })
            .collect()
    }
}

/// The symbolic principal.
#[derive(Debug, Clone)]
pub struct SymbolicPrincipal {
    /// Integer code of the kind (see [`PRINCIPAL_KINDS`]).
    pub kind: Term,
    pub partition: Term,
    /// 12 digits for IAM principals, empty otherwise.
    pub account: Term,
    /// The principal as written: the user/session/federated-user/root ARN,
    /// the service name, the provider name, or `anonymous`.
    pub text: Term,
    /// For role sessions: the role's ARN; empty otherwise.
    pub role_arn: Term,
    /// For sessions written as assumed-role ARNs: that ARN; empty otherwise.
    pub session_arn: Term,
    /// The IAM path between `user/` or `role/` and the name (`""` or ending in `/`).
    pub path: Term,
    /// The user, role or federated-user name.
    pub name: Term,
    pub session_name: Term,
}

impl SymbolicPrincipal {
    pub fn is(&self, kind: PrincipalKind) -> Term {
        self.kind.equals(&Term::int(kind_code(kind)))
    }

    pub fn is_any(&self, kinds: &[PrincipalKind]) -> Term {
        Term::or(kinds.iter().map(|kind| self.is(*kind)))
    }

    /// IAM principals: users, sessions, federated users, roots.
    pub fn has_identity_side(&self) -> Term {
        self.is_any(&[
            PrincipalKind::IamUser,
            PrincipalKind::RoleSession,
            PrincipalKind::FederatedUser,
            PrincipalKind::AccountRoot,
        ])
    }

    /// `aws:PrincipalArn`: the role ARN for sessions, the ARN otherwise.
    pub fn principal_arn(&self) -> Term {
        Term::ite(
            &self.is(PrincipalKind::RoleSession),
            &self.role_arn,
            &self.text,
        )
    }

    /// The six components of `aws:PrincipalArn`.
    pub fn principal_arn_components(&self) -> [Term; 6] {
        let user = self.is(PrincipalKind::IamUser);
        let role = self.is(PrincipalKind::RoleSession);
        let federated = self.is(PrincipalKind::FederatedUser);
        let service = Term::ite(&federated, &Term::string("sts"), &Term::string("iam"));
        let resource = Term::ite(
            &user,
            &Term::concat([Term::string("user/"), self.path.clone(), self.name.clone()]),
            &Term::ite(
                &role,
                &Term::concat([Term::string("role/"), self.path.clone(), self.name.clone()]),
                &Term::ite(
                    &federated,
                    &Term::concat([Term::string("federated-user/"), self.name.clone()]),
                    &Term::string("root"),
                ),
            ),
        );
        [
            Term::string("arn"),
            self.partition.clone(),
            service,
            Term::string(""),
            self.account.clone(),
            resource,
        ]
    }

    /// A service-linked role (`role/aws-service-role/…`, written as the role).
    pub fn is_service_linked_role(&self) -> Term {
        Term::and([
            self.is(PrincipalKind::RoleSession),
            self.session_arn.equals(&Term::string("")),
            Term::string("aws-service-role/").prefix_of(&self.path),
        ])
    }
}

/// The type of a key's values, from the operators used on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueFamily {
    Text,
    Number,
    Date,
    Ip,
}

impl ValueFamily {
    fn of(comparison: Comparison) -> ValueFamily {
        match comparison {
            Comparison::Numeric(_) => ValueFamily::Number,
            Comparison::Date(_) => ValueFamily::Date,
            Comparison::IpInRange => ValueFamily::Ip,
            _ => ValueFamily::Text,
        }
    }
}

/// One value of a key, as the solver sees it.
#[derive(Debug, Clone)]
pub enum SymbolicValue {
    /// A string; with its six ARN components when the key carries ARNs.
    Text {
        value: Term,
        components: Option<Arc<[Term; 6]>>,
    },
    /// A decimal number times `10^scale`.
    Number { scaled: Term, scale: u32 },
    /// Milliseconds since the epoch.
    Date { milliseconds: Term },
    /// An address as 128 bits and its family.
    Ip { bits: Term, is_v6: Term },
}

/// One value slot of a key.
#[derive(Debug, Clone)]
pub struct Slot {
    /// The slot holds a value (slot `k+1` only if slot `k` does).
    pub active: Term,
    pub value: SymbolicValue,
}

/// A condition key of the query.
#[derive(Debug, Clone)]
pub struct KeyModel {
    pub key_lowercase: String,
    /// The key as first written in a policy.
    pub display: String,
    pub family: ValueFamily,
    pub multivalued: bool,
    pub slots: Vec<Slot>,
    pub binding: Option<KeyBinding>,
    /// For a key the compared sides derive differently: the values the
    /// request itself gives (only where no side derives the key). The
    /// decoder prints these, not the side's values, so that each side
    /// derives its own again.
    pub given: Option<Vec<Slot>>,
    /// Fraction digits kept for numbers.
    pub scale: u32,
}

impl KeyModel {
    pub fn present(&self) -> Term {
        self.slots
            .first()
            .map(|slot| slot.active.clone())
            .unwrap_or_else(Term::falsity)
    }

    /// The first value as a string (what a policy variable substitutes).
    pub fn first_text(&self) -> Option<Term> {
        match &self.slots.first()?.value {
            SymbolicValue::Text { value, .. } => Some(value.clone()),
            _ => None,
        }
    }
}

/// A string variable with the format it must have.
#[derive(Debug, Clone)]
pub struct FormattedVariable {
    pub name: String,
    pub variable: Term,
    pub format: Format,
}

/// Everything that is symbolic about a request.
#[derive(Debug, Clone)]
pub struct RequestModel {
    pub principal: SymbolicPrincipal,
    /// Lower-case service prefix of the action.
    pub action_service: Term,
    /// Lower-case action name.
    pub action_name: Term,
    /// The resource: `arn:` and the five components below, or `*`.
    pub resource: Term,
    /// The resource is an ARN (otherwise it is `*`).
    pub resource_is_arn: Term,
    /// Partition, service, region, account (colon-free) and the rest.
    pub resource_components: [Term; 5],
    /// Empty when the resource's account is unknown.
    pub resource_account: Term,
    pub keys: IndexMap<String, KeyModel>,
    /// The well-formedness constraints, by axiom.
    pub axioms: Vec<(AxiomId, Term)>,
    /// Formats checked on models (lazily asserted).
    pub formats: Vec<FormattedVariable>,
    /// Why the model is not exact, if it is not.
    pub approximations: Vec<String>,
    /// Constructs the encoding does not support.
    pub unsupported: Vec<Unsupported>,
}

/// What the policies do with one key.
#[derive(Debug, Default)]
struct KeyUsage {
    display: String,
    families: BTreeSet<ValueFamily>,
    quantifications: usize,
    set_qualified: bool,
    read_by_variable: bool,
    arn_compared: bool,
    bool_compared: bool,
    fraction_digits: u32,
}

fn string_variable(name: &str) -> Term {
    Term::variable(name, Sort::String)
}

/// Variable names must be stable and printable in SMT-LIB `|…|` quotes.
fn sanitize(key: &str) -> String {
    key.chars()
        .map(|c| if c == '|' || c == '\\' { '_' } else { c })
        .collect()
}

impl RequestModel {
    /// Builds the model for the policies of a query (both sides of a
    /// comparison together, so both read the same variables). `facts` are
    /// what each side derives context keys from (see
    /// `semantics/derived_keys.rs`); a key every side derives alike is bound
    /// to its derivation, a key the sides derive differently is left free
    /// but present wherever some side derives it (the counterexample then
    /// gives its value, which every side reads). No facts: nothing but the
    /// request itself to derive from.
    pub fn build(policies: &[&PolicyDocument], facts: &[&DerivedKeyFacts]) -> RequestModel {
        RequestModel::build_side(policies, facts, 0)
    }

    /// The model as side `side` of `facts` sees the request: the same
    /// variables as every other side's model, keys the sides derive alike
    /// bound alike, keys they derive differently derived by this side
    /// (where no side derives them, the request's own value).
    pub fn build_side(
        policies: &[&PolicyDocument],
        facts: &[&DerivedKeyFacts],
        side: usize,
    ) -> RequestModel {
        let none = DerivedKeyFacts::default();
        let facts: Vec<&DerivedKeyFacts> = if facts.is_empty() {
            vec![&none]
        } else {
            facts.to_vec()
        };
        let side = side.min(facts.len() - 1);
        let usages = collect_usages(policies);
        let mut model = RequestModel::base();
        for (key, usage) in usages {
            model.add_key(&key, &usage, &facts, side);
        }
        model
    }

    /// The sides of `facts` derive some key the policies read differently
    /// (then each side needs its own model, see [`RequestModel::build_side`]).
    pub fn sides_differ(policies: &[&PolicyDocument], facts: &[&DerivedKeyFacts]) -> bool {
        facts.windows(2).any(|pair| pair[0] != pair[1])
            && collect_usages(policies).keys().any(|key| {
                let derivation = derivation_of(key);
                let mut sides = facts
                    .iter()
                    .map(|facts| key_fact(facts, key, derivation.as_ref()));
                let first = sides.next();
                sides.any(|fact| Some(fact) != first)
            })
    }

    fn base() -> RequestModel {
        use PrincipalKind as K;
        // The principal's strings are terms defined from a few free parts
        // (no string equations for the solver to untangle).
        let kind = Term::variable("principal.kind", Sort::Int);
        let is = |kind_wanted: K| kind.equals(&Term::int(kind_code(kind_wanted)));
        let partition = string_variable("principal.partition");
        let account_part = string_variable("principal.account");
        let path_part = string_variable("principal.path");
        let name = string_variable("principal.name");
        let session_name = string_variable("principal.session_name");
        let other = string_variable("principal.other");
        let written_as_session = Term::variable("principal.written_as_session", Sort::Bool);
        let identity = Term::or([
            is(K::IamUser),
            is(K::RoleSession),
            is(K::FederatedUser),
            is(K::AccountRoot),
        ]);
        let empty = Term::string("");
        let account = Term::ite(&identity, &account_part, &empty);
        let session = is(K::RoleSession).and2(&written_as_session);
        let path = Term::ite(&session, &empty, &path_part);
        let arn = |service: &str, resource: Vec<Term>| {
            let mut parts = vec![
                Term::string("arn:"),
                partition.clone(),
                Term::string(&format!(":{service}::")),
                account.clone(),
                Term::string(":"),
            ];
            parts.extend(resource);
            Term::concat(parts)
        };
        let role_arn_text = arn(
            "iam",
            vec![Term::string("role/"), path.clone(), name.clone()],
        );
        let session_arn_text = arn(
            "sts",
            vec![
                Term::string("assumed-role/"),
                name.clone(),
                Term::string("/"),
                session_name.clone(),
            ],
        );
        let role_arn = Term::ite(&is(K::RoleSession), &role_arn_text, &empty);
        let session_arn = Term::ite(&session, &session_arn_text, &empty);
        let mut text = Term::string("anonymous");
        for (wanted, written) in [
            (K::FederatedProvider, other.clone()),
            (K::Service, other.clone()),
            (K::AccountRoot, arn("iam", vec![Term::string("root")])),
            (
                K::FederatedUser,
                arn("sts", vec![Term::string("federated-user/"), name.clone()]),
            ),
            (
                K::RoleSession,
                Term::ite(&written_as_session, &session_arn_text, &role_arn_text),
            ),
            (
                K::IamUser,
                arn(
                    "iam",
                    vec![Term::string("user/"), path.clone(), name.clone()],
                ),
            ),
        ] {
            text = Term::ite(&is(wanted), &written, &text);
        }
        let resource_is_arn = Term::variable("resource.is_arn", Sort::Bool);
        let resource_components: [Term; 5] = [
            string_variable("resource.partition"),
            string_variable("resource.service"),
            string_variable("resource.region"),
            string_variable("resource.account_field"),
            string_variable("resource.rest"),
        ];
        let principal = SymbolicPrincipal {
            kind: kind.clone(),
            partition: partition.clone(),
            account,
            text,
            role_arn,
            session_arn,
            path,
            name: name.clone(),
            session_name: session_name.clone(),
        };
        let mut model = RequestModel {
            principal,
            action_service: string_variable("action.service"),
            action_name: string_variable("action.name"),
            resource: Term::ite(
                &resource_is_arn,
                &Term::concat([
                    Term::string("arn:"),
                    resource_components[0].clone(),
                    Term::string(":"),
                    resource_components[1].clone(),
                    Term::string(":"),
                    resource_components[2].clone(),
                    Term::string(":"),
                    resource_components[3].clone(),
                    Term::string(":"),
                    resource_components[4].clone(),
                ]),
                &Term::string("*"),
            ),
            resource_is_arn: resource_is_arn.clone(),
            resource_components: resource_components.clone(),
            resource_account: string_variable("resource.account"),
            keys: IndexMap::new(),
            axioms: Vec::new(),
            formats: Vec::new(),
            approximations: Vec::new(),
            unsupported: Vec::new(),
        };
        model.axioms.push((
            AxiomId::PrincipalKinds,
            Term::and([
                Term::int(0).less_or_equal(&kind),
                kind.less_or_equal(&Term::int(PRINCIPAL_KINDS.len() as i128 - 1)),
            ]),
        ));
        model.axioms.push((
            AxiomId::AccountIds,
            Term::and([
                account_part.length().equals(&Term::int(12)),
                model.resource_account.length().equals(&Term::int(12)),
            ]),
        ));
        model.axioms.push((
            AxiomId::PrincipalArnShape,
            Term::and([
                partition.equals(&empty).not(),
                name.equals(&empty).not(),
                session_name.equals(&empty).not(),
                Term::or([
                    path_part.equals(&empty),
                    Term::string("/").suffix_of(&path_part),
                ]),
                is(K::Service).implies(&other.contains(&Term::string("."))),
                other.equals(&empty).not(),
            ]),
        ));
        model.format(&account_part, Format::Digits);
        model.format(&model.resource_account.clone(), Format::Digits);
        model.format(&partition, Format::PrintableWithoutColon);
        model.format(&name, Format::PrintableWithoutColonOrSlash);
        model.format(&session_name, Format::PrintableWithoutColonOrSlash);
        model.format(&path_part, Format::PrintableWithoutColon);
        model.format(&other, Format::Printable);
        model.add_action_and_resource_axioms();
        model
    }

    fn format(&mut self, variable: &Term, format: Format) {
        if let super::term::TermNode::Variable { name, .. } = variable.node() {
            self.formats.push(FormattedVariable {
                name: name.clone(),
                variable: variable.clone(),
                format,
            });
        }
    }

    fn add_action_and_resource_axioms(&mut self) {
        let empty = Term::string("");
        let action = Term::and([
            self.action_service.equals(&empty).not(),
            self.action_name.equals(&empty).not(),
        ]);
        self.axioms.push((AxiomId::ActionShape, action));
        self.format(&self.action_service.clone(), Format::LowerCaseWithoutColon);
        self.format(&self.action_name.clone(), Format::LowerCaseWithoutColon);
        // The ARN's account field, when set, is the resource's account.
        let account_field = self.resource_components[3].clone();
        self.axioms.push((
            AxiomId::ResourceShape,
            Term::and([
                self.resource_is_arn.clone(),
                account_field.equals(&empty).not(),
            ])
            .implies(&self.resource_account.equals(&account_field)),
        ));
        for component in self.resource_components.clone().iter().take(4) {
            self.format(component, Format::PrintableWithoutColon);
        }
        self.format(&self.resource_components[4].clone(), Format::Printable);
    }

    /// Every term a decoded request is read from (so that a model assigns
    /// each of their variables).
    pub fn request_terms(&self) -> Vec<Term> {
        let p = &self.principal;
        let mut terms = vec![
            p.kind.clone(),
            p.text.clone(),
            p.role_arn.clone(),
            p.session_arn.clone(),
            p.account.clone(),
            self.action_service.clone(),
            self.action_name.clone(),
            self.resource.clone(),
            self.resource_is_arn.clone(),
            self.resource_account.clone(),
        ];
        for key in self.keys.values() {
            for slot in &key.slots {
                terms.push(slot.active.clone());
                match &slot.value {
                    SymbolicValue::Text { value, .. } => terms.push(value.clone()),
                    SymbolicValue::Number { scaled, .. } => terms.push(scaled.clone()),
                    SymbolicValue::Date { milliseconds } => terms.push(milliseconds.clone()),
                    SymbolicValue::Ip { bits, is_v6 } => {
                        terms.push(bits.clone());
                        terms.push(is_v6.clone());
                    }
                }
            }
        }
        terms
    }

    /// The service principal's text is a lower-case DNS-like name: only
    /// checked on models where the principal is a service.
    pub fn service_name_format(&self) -> FormattedVariable {
        FormattedVariable {
            name: "principal.other".into(),
            variable: string_variable("principal.other"),
            format: Format::ServiceName,
        }
    }

    fn add_key(&mut self, key: &str, usage: &KeyUsage, facts: &[&DerivedKeyFacts], side: usize) {
        let given_values = facts
            .iter()
            .filter_map(|facts| given(facts, key))
            .map(<[String]>::len)
            .max();
        // A key the scenario's request gives takes that value, whatever
        // binds it otherwise.
        let binding = binding_of(key).filter(|_| given_values.is_none());
        if usage.families.len() > 1 {
            self.unsupported
                .push(Unsupported::KeyComparedAsSeveralTypes {
                    key: usage.display.clone(),
                    types: usage.families.iter().copied().collect(),
                });
        }
        let family = usage
            .families
            .iter()
            .next()
            .copied()
            .unwrap_or(ValueFamily::Text);
        if usage.read_by_variable && family != ValueFamily::Text {
            self.unsupported.push(Unsupported::VariableOnTypedKey {
                key: usage.display.clone(),
                family,
            });
        }
        let multivalued =
            binding.is_none() && (usage.set_qualified || MULTIVALUED_KEYS.contains(&key));
        let mut slot_count = if multivalued {
            usage.quantifications.max(1) + usize::from(usage.read_by_variable)
        } else {
            1
        };
        match given_values {
            Some(count) if count > 1 && !multivalued => {
                self.unsupported
                    .push(Unsupported::SeveralValuesOfSingleValuedKey {
                        key: usage.display.clone(),
                        count,
                    })
            }
            Some(count) => slot_count = slot_count.max(count),
            None => {}
        }
        if slot_count > MAX_SLOTS {
            self.approximations.push(format!(
                "condition key `{}` is limited to {MAX_SLOTS} values (it would need {slot_count})",
                usage.display
            ));
            slot_count = MAX_SLOTS;
        }
        let scale = usage.fraction_digits + 1;
        let base = format!("key.{}", sanitize(key));
        let mut slots = Vec::with_capacity(slot_count);
        for index in 0..slot_count {
            let name = |part: &str| format!("{base}.{index}.{part}");
            let active = Term::variable(&name("active"), Sort::Bool);
            let value = match family {
                ValueFamily::Text => self.text_slot(&name("value"), usage),
                ValueFamily::Number => SymbolicValue::Number {
                    scaled: Term::variable(&name("number"), Sort::Int),
                    scale,
                },
                ValueFamily::Date => {
                    let milliseconds = Term::variable(&name("date"), Sort::Int);
                    self.axioms.push((
                        AxiomId::TypedKeys,
                        Term::and([
                            Term::int(0).less_or_equal(&milliseconds),
                            milliseconds.less_or_equal(&Term::int(LATEST_DATE_MILLISECONDS)),
                        ]),
                    ));
                    SymbolicValue::Date { milliseconds }
                }
                ValueFamily::Ip => {
                    let bits = Term::variable(&name("ip"), Sort::BitVec(128));
                    let is_v6 = Term::variable(&name("ipv6"), Sort::Bool);
                    let v4_range =
                        bits.bit_vector_less_or_equal(&Term::bit_vector(u128::from(u32::MAX), 128));
                    self.axioms.push((AxiomId::TypedKeys, is_v6.or2(&v4_range)));
                    SymbolicValue::Ip { bits, is_v6 }
                }
            };
            if let Some(previous) = slots.last() {
                let previous: &Slot = previous;
                self.axioms
                    .push((AxiomId::SingleValuedKeys, active.implies(&previous.active)));
            }
            slots.push(Slot { active, value });
        }
        let mut key_model = KeyModel {
            key_lowercase: key.to_string(),
            display: usage.display.clone(),
            family,
            multivalued,
            slots,
            binding,
            given: None,
            scale,
        };
        if let Some(binding) = binding {
            self.bind_key(&mut key_model, binding);
        } else {
            self.bind_derived(&mut key_model, facts, side);
        }
        if given_values.is_none() {
            if let Some(own_account) = service_source_key(key) {
                self.confine_to_services(&key_model, own_account);
            }
            // Every key AWS sets is `aws:…` or `service:…`: a name without
            // a prefix (a placeholder such as `${Account}` copied from an
            // example) is never in a request.
            if !key.contains(':') {
                for slot in &mut key_model.slots {
                    slot.active = Term::falsity();
                }
                self.axioms.push((AxiomId::UnprefixedKeys, Term::truth()));
            }
        }
        self.keys.insert(key.to_string(), key_model);
    }

    /// Ties a key AWS derives from the request (or the scenario's request
    /// gives) to what each side's facts derive it from: the same rule as
    /// `DerivedKeyFacts::derive`, over the symbolic request.
    fn bind_derived(&mut self, key: &mut KeyModel, facts: &[&DerivedKeyFacts], side: usize) {
        let derivation = derivation_of(&key.key_lowercase);
        let sides: Vec<KeyFact<'_>> = facts
            .iter()
            .map(|facts| key_fact(facts, &key.key_lowercase, derivation.as_ref()))
            .collect();
        if sides.iter().all(|fact| *fact == KeyFact::Free) {
            return;
        }
        let free = key.slots.clone();
        if sides.windows(2).all(|pair| pair[0] == pair[1]) {
            if let Some(derivation) = &derivation {
                self.bind_to_fact(key, &free, &sides[0], derivation);
            } else if let KeyFact::Given(values) = &sides[0] {
                self.bind_to_values(key, &free, values, &Term::truth());
            }
            return;
        }
        // The sides derive it differently. Where some side derives it, each
        // side holds its own derivation (or nothing); elsewhere the request
        // gives it or not, the same for every side.
        let derived: Vec<Option<(Term, Vec<SymbolicValue>)>> = sides
            .iter()
            .map(|fact| self.pure_derivation(key, fact, derivation.as_ref()))
            .collect();
        let any_derives = Term::or(derived.iter().flatten().map(|(present, _)| present.clone()));
        if let Some(first) = free.first() {
            // Where a side derives the key, the request does not give it.
            self.axioms.push((
                AxiomId::DerivedKeys,
                any_derives.implies(&first.active.not()),
            ));
        }
        let own = derived[side].clone();
        for (index, slot) in key.slots.iter_mut().enumerate() {
            let given = &free[index];
            let (active, value) = match &own {
                Some((present, values)) => match values.get(index) {
                    Some(value) => (
                        Term::ite(present, &Term::truth(), &given.active),
                        ite_value(present, value, &given.value),
                    ),
                    None => (present.not().and2(&given.active), given.value.clone()),
                },
                None => (given.active.clone(), given.value.clone()),
            };
            slot.active = active;
            slot.value = value;
        }
        key.given = Some(free);
    }

    /// Where `fact` alone gives the key, and its values there (no part of
    /// the request's own choice).
    fn pure_derivation(
        &mut self,
        key: &KeyModel,
        fact: &KeyFact<'_>,
        derivation: Option<&Derivation>,
    ) -> Option<(Term, Vec<SymbolicValue>)> {
        let constant = |model: &mut RequestModel, text: &str| {
            let value = constant_value(key.family, key.scale, text);
            if value.is_none() {
                model.unsupported.push(Unsupported::GivenValueNotOfType {
                    key: key.display.clone(),
                    value: text.to_string(),
                    family: key.family,
                });
            }
            value
        };
        match fact {
            KeyFact::Given(values) => Some((
                Term::truth(),
                values
                    .iter()
                    .map(|text| constant(self, text))
                    .collect::<Option<Vec<_>>>()?,
            )),
            KeyFact::Tag {
                value: Some(value),
                on_s3_buckets,
            } => Some((
                self.tag_guard(derivation?, *on_s3_buckets),
                vec![constant(self, value)?],
            )),
            KeyFact::ResourceAccount => Some((
                self.resource_account.equals(&Term::string("")).not(),
                vec![SymbolicValue::Text {
                    value: self.resource_account.clone(),
                    components: None,
                }],
            )),
            KeyFact::Organization(Some(organization)) if key.family == ValueFamily::Text => {
                let derivation = derivation?;
                let (guard, account) = self.account_of(derivation);
                let present = guard.and2(&in_accounts(&account, organization.paths.keys()));
                let value = match derivation {
                    Derivation::OrgId { .. } => Term::string(&organization.id),
                    _ => {
                        let mut value = Term::string("");
                        for (path, accounts) in organization.accounts_by_path().into_iter().rev() {
                            value = Term::ite(
                                &in_accounts(&account, accounts.into_iter()),
                                &Term::string(path),
                                &value,
                            );
                        }
                        value
                    }
                };
                Some((
                    present,
                    vec![SymbolicValue::Text {
                        value,
                        components: None,
                    }],
                ))
            }
            _ => None,
        }
    }

    /// The account a derivation reads and when it reads it.
    fn account_of(&self, derivation: &Derivation) -> (Term, Term) {
        match derivation {
            Derivation::OrgId { principal: true } | Derivation::OrgPaths { principal: true } => (
                self.principal.has_identity_side(),
                self.principal.account.clone(),
            ),
            _ => (Term::truth(), self.resource_account.clone()),
        }
    }

    /// When the derivation can give the key at all.
    fn derivation_guard(&self, derivation: &Derivation) -> Term {
        match derivation {
            Derivation::ResourceAccount => Term::truth(),
            Derivation::OrgId { .. } | Derivation::OrgPaths { .. } => self.account_of(derivation).0,
            Derivation::PrincipalTag(_) => self
                .principal
                .has_identity_side()
                .and2(&self.principal.is(PrincipalKind::AccountRoot).not()),
            Derivation::ResourceTag(_) => self.resource_is_s3_object().not(),
            Derivation::ObjectTag(_) => self.resource_is_s3_object(),
        }
    }

    /// Where a tag can exist: everywhere, or (without ABAC) not on S3
    /// general purpose buckets, as `derived_keys::DerivedKeyFacts::derive`.
    fn bucket_guard(&self, on_s3_buckets: bool) -> Term {
        if on_s3_buckets {
            Term::truth()
        } else {
            self.resource_is_s3_bucket().not()
        }
    }

    fn tag_guard(&self, derivation: &Derivation, on_s3_buckets: bool) -> Term {
        self.derivation_guard(derivation)
            .and2(&self.bucket_guard(on_s3_buckets))
    }

    /// `arn:P:s3:::bucket`, as `derived_keys::is_s3_bucket`.
    fn resource_is_s3_bucket(&self) -> Term {
        let [_, service, region, account, rest] = &self.resource_components;
        let empty = Term::string("");
        Term::and([
            self.resource_is_arn.clone(),
            service.equals(&Term::string("s3")),
            region.equals(&empty),
            account.equals(&empty),
            rest.equals(&empty).not(),
            rest.contains(&Term::string("/")).not(),
        ])
    }

    /// `arn:P:s3:::bucket/key`, as `derived_keys::is_s3_object`.
    fn resource_is_s3_object(&self) -> Term {
        let [_, service, region, account, rest] = &self.resource_components;
        let empty = Term::string("");
        Term::and([
            self.resource_is_arn.clone(),
            service.equals(&Term::string("s3")),
            region.equals(&empty),
            account.equals(&empty),
            rest.contains(&Term::string("/")),
        ])
    }

    fn bind_to_fact(
        &mut self,
        key: &mut KeyModel,
        free: &[Slot],
        fact: &KeyFact<'_>,
        derivation: &Derivation,
    ) {
        let guard = self.derivation_guard(derivation);
        match fact {
            KeyFact::Given(values) => self.bind_to_values(key, free, values, &Term::truth()),
            KeyFact::Free => {}
            KeyFact::ResourceAccount => {
                let account = self.resource_account.clone();
                let present = account.equals(&Term::string("")).not();
                self.bind_to_text(key, present, account);
            }
            KeyFact::Tag {
                value,
                on_s3_buckets,
            } => {
                let guard = guard.and2(&self.bucket_guard(*on_s3_buckets));
                match value {
                    Some(value) => self.bind_to_values(key, free, &[value.to_string()], &guard),
                    // Not known: free, but only where the tag can exist.
                    None => {
                        for slot in &mut key.slots {
                            slot.active = guard.and2(&slot.active);
                        }
                    }
                }
            }
            KeyFact::Organization(None) => {
                for slot in &mut key.slots {
                    slot.active = guard.and2(&slot.active);
                }
            }
            KeyFact::Organization(Some(organization)) => {
                if key.family != ValueFamily::Text {
                    self.unsupported.push(Unsupported::TextKeyComparedAs {
                        key: key.display.clone(),
                        family: key.family,
                    });
                    return;
                }
                let (_, account) = self.account_of(derivation);
                let in_organization = guard.and2(&in_accounts(&account, organization.paths.keys()));
                let Some(SymbolicValue::Text {
                    value: free_value, ..
                }) = free.first().map(|slot| slot.value.clone())
                else {
                    return;
                };
                let (value, outside) = match derivation {
                    Derivation::OrgId { .. } => {
                        let id = Term::string(&organization.id);
                        // Outside the organization: any other organization, or none.
                        (
                            Term::ite(&in_organization, &id, &free_value),
                            free_value.equals(&id).not(),
                        )
                    }
                    _ => {
                        let mut value = free_value.clone();
                        for (path, accounts) in organization.accounts_by_path().into_iter().rev() {
                            value = Term::ite(
                                &in_accounts(&account, accounts.into_iter()),
                                &Term::string(path),
                                &value,
                            );
                        }
                        (value, Term::truth())
                    }
                };
                for (index, slot) in key.slots.iter_mut().enumerate() {
                    let free_active = &free[index].active;
                    if index == 0 {
                        slot.active = in_organization.or2(&Term::and([
                            guard.clone(),
                            free_active.clone(),
                            outside.clone(),
                        ]));
                        slot.value = SymbolicValue::Text {
                            value: value.clone(),
                            components: None,
                        };
                    } else {
                        slot.active =
                            Term::and([guard.clone(), in_organization.not(), free_active.clone()]);
                    }
                }
            }
        }
    }

    /// The key holds exactly `values` where `present`, nothing elsewhere.
    fn bind_to_values(
        &mut self,
        key: &mut KeyModel,
        free: &[Slot],
        values: &[String],
        present: &Term,
    ) {
        for (index, slot) in key.slots.iter_mut().enumerate() {
            match values.get(index) {
                Some(text) => match constant_value(key.family, key.scale, text) {
                    Some(value) => {
                        slot.active = present.clone();
                        slot.value = value;
                    }
                    None => {
                        self.unsupported.push(Unsupported::GivenValueNotOfType {
                            key: key.display.clone(),
                            value: text.to_string(),
                            family: key.family,
                        });
                        slot.active = free[index].active.clone();
                    }
                },
                None => slot.active = Term::falsity(),
            }
        }
    }

    /// The key holds the one text `value` where `present`.
    fn bind_to_text(&mut self, key: &mut KeyModel, present: Term, value: Term) {
        if key.family != ValueFamily::Text {
            self.unsupported.push(Unsupported::TextKeyComparedAs {
                key: key.display.clone(),
                family: key.family,
            });
            return;
        }
        for (index, slot) in key.slots.iter_mut().enumerate() {
            if index == 0 {
                slot.active = present.clone();
                slot.value = SymbolicValue::Text {
                    value: value.clone(),
                    components: None,
                };
            } else {
                slot.active = Term::falsity();
            }
        }
    }

    fn text_slot(&mut self, name: &str, usage: &KeyUsage) -> SymbolicValue {
        if usage.arn_compared {
            let parts: [Term; 6] =
                std::array::from_fn(|index| string_variable(&format!("{name}.arn{index}")));
            for part in &parts[..5] {
                self.format(part, Format::PrintableWithoutColon);
            }
            self.format(&parts[5], Format::Printable);
            let mut pieces = Vec::new();
            for (index, part) in parts.iter().enumerate() {
                if index > 0 {
                    pieces.push(Term::string(":"));
                }
                pieces.push(part.clone());
            }
            SymbolicValue::Text {
                value: Term::concat(pieces),
                components: Some(Arc::new(parts)),
            }
        } else {
            let value = string_variable(name);
            self.format(&value, Format::Printable);
            if usage.bool_compared {
                self.axioms.push((
                    AxiomId::BoolKeys,
                    Term::or([
                        value.equals(&Term::string("true")),
                        value.equals(&Term::string("false")),
                    ]),
                ));
            }
            SymbolicValue::Text {
                value,
                components: None,
            }
        }
    }

    /// A key only a service's request carries (or, with `own_account`, an
    /// IAM principal's own request as its own account): every value slot
    /// is empty otherwise.
    fn confine_to_services(&mut self, key: &KeyModel, own_account: bool) {
        let principal = &self.principal;
        let service = principal.is(PrincipalKind::Service);
        for slot in &key.slots {
            let mut allowed = vec![service.clone()];
            if let (true, SymbolicValue::Text { value, .. }) = (own_account, &slot.value) {
                allowed.push(
                    principal
                        .has_identity_side()
                        .and2(&value.equals(&principal.account)),
                );
            }
            self.axioms.push((
                AxiomId::ServiceSourceKeys,
                slot.active.implies(&Term::or(allowed)),
            ));
        }
    }

    /// Ties a bound global key to the principal.
    fn bind_key(&mut self, key: &mut KeyModel, binding: KeyBinding) {
        use PrincipalKind as K;
        let p = &self.principal;
        let (present, value, components): (Term, Option<Term>, Option<[Term; 6]>) = match binding {
            KeyBinding::PrincipalArn => (
                p.has_identity_side(),
                Some(p.principal_arn()),
                Some(p.principal_arn_components()),
            ),
            KeyBinding::PrincipalAccount => (p.has_identity_side(), Some(p.account.clone()), None),
            KeyBinding::PrincipalType => {
                let mut value = Term::string("Anonymous");
                for (kind, name) in [
                    (K::AccountRoot, "Account"),
                    (K::FederatedUser, "FederatedUser"),
                    (K::RoleSession, "AssumedRole"),
                    (K::IamUser, "User"),
                ] {
                    value = Term::ite(&p.is(kind), &Term::string(name), &value);
                }
                (
                    p.is_any(&[
                        K::IamUser,
                        K::RoleSession,
                        K::FederatedUser,
                        K::AccountRoot,
                        K::Anonymous,
                    ]),
                    Some(value),
                    None,
                )
            }
            KeyBinding::Username => (p.is(K::IamUser), Some(p.name.clone()), None),
            KeyBinding::PrincipalServiceName => (p.is(K::Service), Some(p.text.clone()), None),
            // Unsigned requests (anonymous, a web identity before it
            // assumes a role) carry no principal keys at all.
            KeyBinding::PrincipalIsAwsService => (
                p.is_any(&[K::Anonymous, K::FederatedProvider]).not(),
                Some(Term::ite(
                    &p.is(K::Service),
                    &Term::string("true"),
                    &Term::string("false"),
                )),
                None,
            ),
            KeyBinding::AlwaysPresent => (Term::truth(), None, None),
        };
        if let Some(slot) = key.slots.first_mut() {
            slot.active = present;
            if let Some(value) = value {
                if key.family == ValueFamily::Text {
                    slot.value = SymbolicValue::Text {
                        value,
                        components: components.map(Arc::new),
                    };
                } else {
                    self.unsupported.push(Unsupported::TextKeyComparedAs {
                        key: key.display.clone(),
                        family: key.family,
                    });
                }
            }
        }
    }
}

/// A key AWS derives from the request and the setup's facts (beside the
/// principal-bound keys of `axioms.rs`, which need no facts).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Derivation {
    ResourceAccount,
    OrgId { principal: bool },
    OrgPaths { principal: bool },
    PrincipalTag(String),
    ResourceTag(String),
    ObjectTag(String),
}

fn derivation_of(key_lowercase: &str) -> Option<Derivation> {
    Some(match key_lowercase {
        "aws:resourceaccount" => Derivation::ResourceAccount,
        "aws:principalorgid" => Derivation::OrgId { principal: true },
        "aws:principalorgpaths" => Derivation::OrgPaths { principal: true },
        "aws:resourceorgid" => Derivation::OrgId { principal: false },
        "aws:resourceorgpaths" => Derivation::OrgPaths { principal: false },
        _ => {
            if let Some(tag) = key_lowercase.strip_prefix("aws:principaltag/") {
                Derivation::PrincipalTag(tag.to_string())
            } else if let Some(tag) = key_lowercase.strip_prefix("aws:resourcetag/") {
                Derivation::ResourceTag(tag.to_string())
            } else if let Some(tag) = key_lowercase.strip_prefix("s3:existingobjecttag/") {
                Derivation::ObjectTag(tag.to_string())
            } else {
                return None;
            }
        }
    })
}

/// What one side's facts say about a key: sides that say the same bind it
/// the same way.
#[derive(Debug, PartialEq, Eq)]
enum KeyFact<'f> {
    /// The scenario's request gives these values.
    Given(&'f [String]),
    /// Derived from the organization (none known: the key is free).
    Organization(Option<&'f OrganizationKeys>),
    /// A tag's value (not known: the key is free), and whether the tag
    /// exists on S3 general purpose buckets (only with ABAC enabled).
    Tag {
        value: Option<&'f str>,
        on_s3_buckets: bool,
    },
    /// The resource's account, from the request alone.
    ResourceAccount,
    /// Nothing derives it.
    Free,
}

fn given<'f>(facts: &'f DerivedKeyFacts, key_lowercase: &str) -> Option<&'f [String]> {
    facts
        .request_context
        .iter()
        .find(|(key, _, _)| key.eq_ignore_ascii_case(key_lowercase))
        .map(|(_, values, _)| values.as_slice())
}

fn key_fact<'f>(
    facts: &'f DerivedKeyFacts,
    key_lowercase: &str,
    derivation: Option<&Derivation>,
) -> KeyFact<'f> {
    if let Some(values) = given(facts, key_lowercase) {
        return KeyFact::Given(values);
    }
    let tag =
        |tags: &'f IndexMap<String, String>, wanted: &str, on_s3_buckets: bool| KeyFact::Tag {
            value: tags
                .iter()
                .find(|(tag, _)| tag.eq_ignore_ascii_case(wanted))
                .map(|(_, value)| value.as_str()),
            on_s3_buckets,
        };
    match derivation {
        None => KeyFact::Free,
        Some(
            Derivation::PrincipalTag(_) | Derivation::ResourceTag(_) | Derivation::ObjectTag(_),
        ) if facts.tags_unknown => KeyFact::Free,
        Some(Derivation::ResourceAccount) => KeyFact::ResourceAccount,
        Some(Derivation::OrgId { .. } | Derivation::OrgPaths { .. }) => {
            KeyFact::Organization(facts.organization.as_deref())
        }
        Some(Derivation::PrincipalTag(wanted)) => tag(&facts.principal_tags, wanted, true),
        Some(Derivation::ResourceTag(wanted)) => {
            tag(&facts.resource_tags, wanted, facts.s3_bucket_abac)
        }
        Some(Derivation::ObjectTag(wanted)) => tag(&facts.resource_tags, wanted, true),
    }
}

/// `then` where `condition` holds, `otherwise` elsewhere (two values of
/// one family).
fn ite_value(condition: &Term, then: &SymbolicValue, otherwise: &SymbolicValue) -> SymbolicValue {
    match (then, otherwise) {
        (SymbolicValue::Text { value: a, .. }, SymbolicValue::Text { value: b, .. }) => {
            SymbolicValue::Text {
                value: Term::ite(condition, a, b),
                components: None,
            }
        }
        (SymbolicValue::Number { scaled: a, scale }, SymbolicValue::Number { scaled: b, .. }) => {
            SymbolicValue::Number {
                scaled: Term::ite(condition, a, b),
                scale: *scale,
            }
        }
        (SymbolicValue::Date { milliseconds: a }, SymbolicValue::Date { milliseconds: b }) => {
            SymbolicValue::Date {
                milliseconds: Term::ite(condition, a, b),
            }
        }
        (SymbolicValue::Ip { bits: a, is_v6: a6 }, SymbolicValue::Ip { bits: b, is_v6: b6 }) => {
            SymbolicValue::Ip {
                bits: Term::ite(condition, a, b),
                is_v6: Term::ite(condition, a6, b6),
            }
        }
        _ => otherwise.clone(),
    }
}

/// `account` is one of `accounts`.
fn in_accounts<'a>(
    account: &Term,
    accounts: impl Iterator<Item = &'a (impl AsRef<str> + ?Sized + 'a)>,
) -> Term {
    Term::or(accounts.map(|candidate| account.equals(&Term::string(candidate.as_ref()))))
}

/// A request value as the solver holds it for a key of `family`; `None`
/// when the text is not such a value (or needs more fraction digits than
/// the key keeps).
fn constant_value(family: ValueFamily, scale: u32, text: &str) -> Option<SymbolicValue> {
    Some(match family {
        ValueFamily::Text => SymbolicValue::Text {
            value: Term::string(text),
            components: None,
        },
        ValueFamily::Number => {
            let (numerator, digits) = Decimal::parse(text)?.as_scaled_integer()?;
            let factor = 10i128.checked_pow(scale.checked_sub(digits)?)?;
            SymbolicValue::Number {
                scaled: Term::int(numerator.checked_mul(factor)?),
                scale,
            }
        }
        ValueFamily::Date => {
            let milliseconds = i128::from(parse_date(text)?);
            if !(0..=LATEST_DATE_MILLISECONDS).contains(&milliseconds) {
                return None;
            }
            SymbolicValue::Date {
                milliseconds: Term::int(milliseconds),
            }
        }
        ValueFamily::Ip => {
            let (is_v6, bits) = address_bits(parse_ip_address(text)?);
            SymbolicValue::Ip {
                bits: Term::bit_vector(bits, 128),
                is_v6: Term::bool(is_v6),
            }
        }
    })
}

/// Scans every condition and policy variable of the policies.
fn collect_usages(policies: &[&PolicyDocument]) -> IndexMap<String, KeyUsage> {
    let mut usages: IndexMap<String, KeyUsage> = IndexMap::new();
    fn usage<'u>(
        usages: &'u mut IndexMap<String, KeyUsage>,
        key_lowercase: &str,
        display: &str,
    ) -> &'u mut KeyUsage {
        usages
            .entry(key_lowercase.to_string())
            .or_insert_with(|| KeyUsage {
                display: display.to_string(),
                ..KeyUsage::default()
            })
    }
    let read_variables = |usages: &mut IndexMap<String, KeyUsage>, parts: &[TemplatePart]| {
        for part in parts {
            if let TemplatePart::Variable {
                key, key_lowercase, ..
            } = part
            {
                let entry = usage(usages, key_lowercase, key);
                entry.read_by_variable = true;
                entry.families.insert(ValueFamily::Text);
            }
        }
    };
    for policy in policies {
        for statement in &policy.statements {
            if let Some(clause) = &statement.resources {
                for pattern in &clause.patterns {
                    read_variables(&mut usages, &pattern.template.parts);
                }
            }
            for condition in &statement.conditions {
                let entry = usage(&mut usages, &condition.key_lowercase, &condition.key);
                let operator = condition.operator;
                if let Some((comparison, _)) = operator.base.comparison() {
                    entry.families.insert(ValueFamily::of(comparison));
                    entry.quantifications += 1;
                    entry.set_qualified |= operator.set_qualifier.is_some();
                    entry.arn_compared |= comparison == Comparison::ArnLike;
                    entry.bool_compared |= operator.base == BaseOperator::Bool;
                    if comparison_is_numeric(comparison) {
                        for value in &condition.values {
                            entry.fraction_digits =
                                entry.fraction_digits.max(fraction_digits(value));
                        }
                    }
                }
                for value in &condition.values {
                    read_variables(&mut usages, &value.template.parts);
                }
            }
        }
    }
    usages
}

fn comparison_is_numeric(comparison: Comparison) -> bool {
    matches!(comparison, Comparison::Numeric(_))
}

fn fraction_digits(value: &ConditionValue) -> u32 {
    Decimal::parse(&value.text)
        .and_then(|decimal| decimal.as_scaled_integer())
        .map(|(_, scale)| scale)
        .unwrap_or(0)
}
