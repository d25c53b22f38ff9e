; iamz comparison query: sat iff OLD and NEW differ in access on some request
; axiom: PrincipalKinds
; axiom: AccountIds
; axiom: PrincipalArnShape
; axiom: ActionShape
; axiom: ResourceShape
; axiom: BoolKeys
; benchmark generated from rust API
(set-info :status unknown)
(declare-fun principal.kind () Int)
(declare-fun resource.account () String)
(declare-fun principal.account () String)
(declare-fun principal.path () String)
(declare-fun principal.other () String)
(declare-fun principal.session_name () String)
(declare-fun principal.partition () String)
(declare-fun principal.name () String)
(declare-fun action.service () String)
(declare-fun action.name () String)
(declare-fun resource.account_field () String)
(declare-fun resource.is_arn () Bool)
(declare-fun |key.aws:securetransport.0.value| () String)
(assert
 (let (($x9 (<= principal.kind 6)))
 (let (($x7 (<= 0 principal.kind)))
 (and $x7 $x9))))
(assert
 (let ((?x35 (str.len resource.account)))
 (let (($x36 (= 12 ?x35)))
 (let ((?x32 (str.len principal.account)))
 (let (($x33 (= 12 ?x32)))
 (and $x33 $x36))))))
(assert
 (let (($x62 (str.suffixof "/" principal.path)))
 (let (($x60 (= "" principal.path)))
 (let (($x63 (or $x60 $x62)))
 (let (($x57 (str.contains principal.other ".")))
 (let (($x54 (= 4 principal.kind)))
 (let (($x55 (not $x54)))
 (let (($x58 (or $x55 $x57)))
 (let (($x51 (= "" principal.session_name)))
 (let (($x52 (not $x51)))
 (let (($x48 (= "" principal.partition)))
 (let (($x49 (not $x48)))
 (let (($x45 (= "" principal.other)))
 (let (($x46 (not $x45)))
 (let (($x40 (= "" principal.name)))
 (let (($x43 (not $x40)))
 (and $x43 $x46 $x49 $x52 $x58 $x63)))))))))))))))))
(assert
 (let (($x79 (= "" action.service)))
 (let (($x80 (not $x79)))
 (let (($x76 (= "" action.name)))
 (let (($x77 (not $x76)))
 (and $x77 $x80))))))
(assert
 (let (($x88 (= resource.account resource.account_field)))
 (let (($x84 (= "" resource.account_field)))
 (let (($x85 (not $x84)))
 (let (($x86 (and resource.is_arn $x85)))
 (let (($x87 (not $x86)))
 (or $x87 $x88)))))))
(assert
 (let (($x94 (= "true" |key.aws:securetransport.0.value|)))
 (let (($x92 (= "false" |key.aws:securetransport.0.value|)))
 (or $x92 $x94))))
(assert
 (let (($x126 (= 2 principal.kind)))
 (let (($x124 (= 1 principal.kind)))
 (let (($x122 (= 0 principal.kind)))
 (or $x122 $x124 $x126)))))
(assert
 false)
(check-sat)
