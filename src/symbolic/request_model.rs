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
use crate::policy::template::TemplatePart;
use crate::policy::{BaseOperator, Comparison, ConditionValue, PolicyDocument};
use crate::request::PrincipalKind;
use crate::values::Decimal;
use indexmap::IndexMap;
use std::collections::BTreeSet;
use std::rc::Rc;

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
        components: Option<Rc<[Term; 6]>>,
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
    pub resource: Term,
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
    pub unsupported: Vec<String>,
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
    /// comparison together, so both read the same variables).
    pub fn build(policies: &[&PolicyDocument]) -> RequestModel {
        let usages = collect_usages(policies);
        let mut model = RequestModel::base();
        for (key, usage) in usages {
            model.add_key(&key, &usage);
        }
        model
    }

    fn base() -> RequestModel {
        let principal = SymbolicPrincipal {
            kind: Term::variable("principal.kind", Sort::Int),
            partition: string_variable("principal.partition"),
            account: string_variable("principal.account"),
            text: string_variable("principal.text"),
            role_arn: string_variable("principal.role_arn"),
            session_arn: string_variable("principal.session_arn"),
            path: string_variable("principal.path"),
            name: string_variable("principal.name"),
            session_name: string_variable("principal.session_name"),
        };
        let mut model = RequestModel {
            principal,
            action_service: string_variable("action.service"),
            action_name: string_variable("action.name"),
            resource: string_variable("resource.arn"),
            resource_account: string_variable("resource.account"),
            keys: IndexMap::new(),
            axioms: Vec::new(),
            formats: Vec::new(),
            approximations: Vec::new(),
            unsupported: Vec::new(),
        };
        model.add_principal_axioms();
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

    fn add_principal_axioms(&mut self) {
        use PrincipalKind as K;
        let p = self.principal.clone();
        let empty = Term::string("");
        let kind_range = Term::and([
            Term::int(0).less_or_equal(&p.kind),
            p.kind
                .less_or_equal(&Term::int(PRINCIPAL_KINDS.len() as i128 - 1)),
        ]);
        self.axioms.push((AxiomId::PrincipalKinds, kind_range));

        let twelve_digits = p.account.length().equals(&Term::int(12));
        let accounts = Term::and([
            Term::ite(
                &p.has_identity_side(),
                &twelve_digits,
                &p.account.equals(&empty),
            ),
            Term::or([
                self.resource_account.equals(&empty),
                self.resource_account.length().equals(&Term::int(12)),
            ]),
        ]);
        self.axioms.push((AxiomId::AccountIds, accounts));
        self.format(&p.account, Format::Digits);
        self.format(&self.resource_account.clone(), Format::Digits);

        let arn = |service: &str, resource: Vec<Term>| {
            let mut parts = vec![
                Term::string("arn:"),
                p.partition.clone(),
                Term::string(&format!(":{service}::")),
                p.account.clone(),
                Term::string(":"),
            ];
            parts.extend(resource);
            Term::concat(parts)
        };
        let no_role = Term::and([p.role_arn.equals(&empty), p.session_arn.equals(&empty)]);
        let path_shape = Term::or([p.path.equals(&empty), Term::string("/").suffix_of(&p.path)]);
        let named = p.name.equals(&empty).not();
        let user = Term::and([
            p.text.equals(&arn(
                "iam",
                vec![Term::string("user/"), p.path.clone(), p.name.clone()],
            )),
            no_role.clone(),
            path_shape.clone(),
            named.clone(),
        ]);
        let role_arn = arn(
            "iam",
            vec![Term::string("role/"), p.path.clone(), p.name.clone()],
        );
        let written_as_role = Term::and([
            p.session_arn.equals(&empty),
            p.text.equals(&p.role_arn),
            path_shape.clone(),
        ]);
        let written_as_session = Term::and([
            p.path.equals(&empty),
            p.session_name.equals(&empty).not(),
            p.session_arn.equals(&arn(
                "sts",
                vec![
                    Term::string("assumed-role/"),
                    p.name.clone(),
                    Term::string("/"),
                    p.session_name.clone(),
                ],
            )),
            p.text.equals(&p.session_arn),
        ]);
        let session = Term::and([
            p.role_arn.equals(&role_arn),
            named.clone(),
            Term::or([written_as_role, written_as_session]),
        ]);
        let federated_user = Term::and([
            p.text.equals(&arn(
                "sts",
                vec![Term::string("federated-user/"), p.name.clone()],
            )),
            no_role.clone(),
            named.clone(),
        ]);
        let root = Term::and([
            p.text.equals(&arn("iam", vec![Term::string("root")])),
            no_role.clone(),
        ]);
        let service = Term::and([p.text.contains(&Term::string(".")), no_role.clone()]);
        let provider = Term::and([p.text.equals(&empty).not(), no_role.clone()]);
        let anonymous = Term::and([p.text.equals(&Term::string("anonymous")), no_role]);
        let shapes = Term::and([
            p.is(K::IamUser).implies(&user),
            p.is(K::RoleSession).implies(&session),
            p.is(K::FederatedUser).implies(&federated_user),
            p.is(K::AccountRoot).implies(&root),
            p.is(K::Service).implies(&service),
            p.is(K::FederatedProvider).implies(&provider),
            p.is(K::Anonymous).implies(&anonymous),
            p.partition.equals(&empty).not(),
        ]);
        self.axioms.push((AxiomId::PrincipalArnShape, shapes));
        self.format(&p.partition, Format::PrintableWithoutColon);
        self.format(&p.name, Format::PrintableWithoutColonOrSlash);
        self.format(&p.session_name, Format::PrintableWithoutColonOrSlash);
        self.format(&p.path, Format::PrintableWithoutColon);
        self.format(&p.text, Format::Printable);
        self.format(&p.role_arn, Format::Printable);
        self.format(&p.session_arn, Format::Printable);
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
        self.axioms
            .push((AxiomId::ResourceShape, self.resource.equals(&empty).not()));
        self.format(&self.resource.clone(), Format::Printable);
    }

    /// The service principal's text is a lower-case DNS-like name: only
    /// checked on models where the principal is a service.
    pub fn service_name_format(&self) -> FormattedVariable {
        FormattedVariable {
            name: "principal.text".into(),
            variable: self.principal.text.clone(),
            format: Format::ServiceName,
        }
    }

    fn add_key(&mut self, key: &str, usage: &KeyUsage) {
        let binding = binding_of(key);
        if usage.families.len() > 1 {
            self.unsupported.push(format!(
                "condition key `{}` is compared as more than one type ({:?})",
                usage.display, usage.families
            ));
        }
        let family = usage
            .families
            .iter()
            .next()
            .copied()
            .unwrap_or(ValueFamily::Text);
        if usage.read_by_variable && family != ValueFamily::Text {
            self.unsupported.push(format!(
                "condition key `{}` is read by a policy variable but compared as {:?}",
                usage.display, family
            ));
        }
        let multivalued =
            binding.is_none() && (usage.set_qualified || MULTIVALUED_KEYS.contains(&key));
        let mut slot_count = if multivalued {
            usage.quantifications.max(1) + usize::from(usage.read_by_variable)
        } else {
            1
        };
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
            scale,
        };
        if let Some(binding) = binding {
            self.bind_key(&mut key_model, binding);
        }
        self.keys.insert(key.to_string(), key_model);
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
                components: Some(Rc::new(parts)),
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
            KeyBinding::PrincipalIsAwsService => (
                Term::truth(),
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
                        components: components.map(Rc::new),
                    };
                } else {
                    self.unsupported.push(format!(
                        "condition key `{}` is compared as {:?} but holds text",
                        key.display, key.family
                    ));
                }
            }
        }
    }
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
