package elbv2

import (
	"slices"
	"strconv"
	"strings"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Listeners of Network Load Balancers: TCP, TLS, UDP or TCP_UDP on a port, forwarding to one
// target group of the load balancer's VPC with a compatible protocol. A TLS listener has one ACM
// certificate (ACM is asked whether it exists) and a security policy (ELBSecurityPolicy-2016-08
// unless the request names another, as for the API), and may have an ALPN policy. The Service
// Authorization Reference: CreateListener acts on the load balancer with its resource tags,
// aws:RequestTag/*, aws:TagKeys, elasticloadbalancing:ListenerProtocol and
// elasticloadbalancing:SecurityPolicy (and AddTags on the new listener with
// elasticloadbalancing:CreateAction when tagged); ModifyListener and DeleteListener act on the
// listener with its resource tags (ModifyListener with the protocol and policy it sets); the
// Describe calls support no resource-level permissions.

func elbListenerSpecs() []elbSpec {
	return []elbSpec{
		{name: "CreateListener", on: elbOnCreateListener, creates: elbCreatesListener, handle: elbCreateListener},
		{name: "DescribeListeners", handle: elbDescribeListeners},
		{name: "ModifyListener", on: elbOnModifyListener, handle: elbModifyListener},
		{name: "DeleteListener", on: elbOnParam("ListenerArn"), handle: elbDeleteListener},
		{name: "DescribeListenerCertificates", handle: elbDescribeListenerCertificates},
	}
}

type elbListener struct {
	seq                 int
	arn, lb, id         string
	protocol, sslPolicy string
	port                int
	cert                string // the default certificate (TLS)
	tg                  string // the target group the default action forwards to
	alpn                string
	tags                []core.Tag
}

// elbListenerSettings are what makes two listeners the same for an idempotent CreateListener.
type elbListenerSettings struct {
	protocol, sslPolicy, cert, tg, alpn string
	port                                int
}

func (l *elbListener) settings() elbListenerSettings {
	return elbListenerSettings{protocol: l.protocol, sslPolicy: l.sslPolicy, cert: l.cert, tg: l.tg, alpn: l.alpn, port: l.port}
}

// elbDefaultSSLPolicy is the security policy of TLS listeners created through the API without one.
const elbDefaultSSLPolicy = "ELBSecurityPolicy-2016-08"

// elbSSLPolicies are the security policies a Network Load Balancer's TLS listener takes, as the
// NLB guide lists them.
var elbSSLPolicies = []string{
	"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
	"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
	"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "ELBSecurityPolicy-TLS13-1-1-2021-06", "ELBSecurityPolicy-TLS13-1-0-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-2021-06",
	"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
	"ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
	"ELBSecurityPolicy-FS-1-2-Res-2020-10", "ELBSecurityPolicy-FS-1-2-Res-2019-08", "ELBSecurityPolicy-FS-1-2-2019-08",
	"ELBSecurityPolicy-FS-1-1-2019-08", "ELBSecurityPolicy-FS-2018-06",
	"ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS-1-1-2017-01",
	"ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-2015-05",
}

var elbALPNPolicies = []string{"HTTP1Only", "HTTP2Only", "HTTP2Optional", "HTTP2Preferred", "None"}

// elbListenerIn is what CreateListener and ModifyListener send (empty when not sent).
type elbListenerIn struct {
	protocol, sslPolicy string
	port                int
	portSent            bool
	certs               []string
	actions             []elbActionIn
	actionsSent         bool
	alpn                []string
	tags                []core.Tag
}

type elbActionIn struct {
	typ string
	tgs []string // TargetGroupArn and ForwardConfig's target groups
}

func elbReadListener(c *core.Req) (elbListenerIn, *core.APIError) {
	in := elbListenerIn{protocol: c.Param("Protocol"), sslPolicy: c.Param("SslPolicy"), alpn: c.ParamList("AlpnPolicy"), tags: elbRequestTags(c)}
	port, ok, err := elbInt(c, "Port", 1, 65535)
	if err != nil {
		return in, err
	}
	in.port, in.portSent = port, ok
	for _, m := range c.ParamStructs("Certificates", "CertificateArn") {
		in.certs = append(in.certs, m["CertificateArn"])
	}
	for i, m := range c.ParamStructs("DefaultActions", "Type", "TargetGroupArn") {
		a := elbActionIn{typ: m["Type"]}
		if arn := m["TargetGroupArn"]; arn != "" {
			a.tgs = append(a.tgs, arn)
		}
		prefix := "DefaultActions.member." + strconv.Itoa(i+1) + ".ForwardConfig.TargetGroups"
		for _, tg := range c.ParamStructs(prefix, "TargetGroupArn", "Weight") {
			if arn := tg["TargetGroupArn"]; arn != "" && !slices.Contains(a.tgs, arn) {
				a.tgs = append(a.tgs, arn)
			}
		}
		in.actions = append(in.actions, a)
		in.actionsSent = true
	}
	return in, nil
}

// elbOnCreateListener: CreateListener is evaluated on the load balancer with the listener's
// tags, protocol and security policy (the default one for a TLS listener that names none).
func elbOnCreateListener(c *core.Req) []elbAuth {
	in, _ := elbReadListener(c)
	extra := core.MergeContext(core.RequestTagContext(in.tags), elbListenerKeys(in.protocol, in.sslPolicy, true))
	return []elbAuth{elbExisting(c, c.Param("LoadBalancerArn"), extra)}
}

// elbListenerKeys are elasticloadbalancing:ListenerProtocol and elasticloadbalancing:SecurityPolicy.
func elbListenerKeys(protocol, policy string, create bool) map[string][]string {
	m := map[string][]string{}
	if protocol != "" {
		m["elasticloadbalancing:ListenerProtocol"] = []string{protocol}
	}
	if policy == "" && create && protocol == "TLS" {
		policy = elbDefaultSSLPolicy
	}
	if policy != "" {
		m["elasticloadbalancing:SecurityPolicy"] = []string{policy}
	}
	return m
}

func elbCreatesListener(c *core.Req) (string, []core.Tag) {
	return elbListenerARN(c.Param("LoadBalancerArn"), elbNewID(c)), elbRequestTags(c)
}

func elbOnModifyListener(c *core.Req) []elbAuth {
	return []elbAuth{elbExisting(c, c.Param("ListenerArn"), elbListenerKeys(c.Param("Protocol"), c.Param("SslPolicy"), false))}
}

// elbProtocolsOverlap: two listeners of a load balancer can't share a port unless one is TCP
// and the other UDP.
func elbProtocolsOverlap(a, b string) bool {
	tcp := func(p string) bool { return p != "UDP" }
	udp := func(p string) bool { return p == "UDP" || p == "TCP_UDP" }
	return tcp(a) && tcp(b) || udp(a) && udp(b)
}

// elbCompatible says which target group protocols a listener protocol forwards to.
var elbCompatible = map[string][]string{
	"TCP": {"TCP", "TCP_UDP"}, "TLS": {"TCP", "TLS"}, "UDP": {"UDP", "TCP_UDP"}, "TCP_UDP": {"TCP_UDP"},
}

// elbApply checks a listener's new settings (l is a copy, already holding the old ones) and
// fills them in.
func elbApply(c *core.Req, st *elbState, lb *elbLB, l *elbListener, in elbListenerIn) *core.APIError {
	if in.protocol != "" {
		switch in.protocol {
		case "TCP", "TLS", "UDP", "TCP_UDP":
		case "HTTP", "HTTPS", "GENEVE", "QUIC", "TCP_QUIC":
			return elbErr("UnsupportedProtocol", "Protocol '%s' is not supported for load balancers of type 'network'", in.protocol)
		default:
			return elbValidation("1 validation error detected: Value '%s' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE, QUIC, TCP_QUIC]", in.protocol)
		}
		if in.protocol != l.protocol && in.protocol != "TLS" {
			l.cert, l.sslPolicy, l.alpn = "", "", ""
		}
		l.protocol = in.protocol
	}
	if l.protocol == "" {
		return elbValidation("A listener protocol must be specified")
	}
	if in.portSent {
		l.port = in.port
	}
	if l.port == 0 {
		return elbValidation("A listener port must be specified")
	}
	tls := l.protocol == "TLS"
	if len(in.certs) > 1 {
		return elbErr("TooManyCertificates", "A listener can have only one default certificate")
	}
	if len(in.certs) == 1 {
		if !tls {
			return elbConfig("Certificates can be specified only for TLS listeners")
		}
		arn := in.certs[0]
		if !strings.HasPrefix(arn, "arn:aws:acm:") || !elbACMOf(c).CertificateExists(c, arn) {
			return elbErr("CertificateNotFound", "Certificate '%s' not found", arn)
		}
		l.cert = arn
	}
	if tls && l.cert == "" {
		return elbValidation("A certificate must be specified for TLS listeners")
	}
	if in.sslPolicy != "" {
		if !tls {
			return elbConfig("A security policy can be specified only for TLS listeners")
		}
		if !slices.Contains(elbSSLPolicies, in.sslPolicy) {
			return elbErr("SSLPolicyNotFound", "SSL policy '%s' not found", in.sslPolicy)
		}
		l.sslPolicy = in.sslPolicy
	}
	if tls && l.sslPolicy == "" {
		l.sslPolicy = elbDefaultSSLPolicy
	}
	if len(in.alpn) > 0 {
		if len(in.alpn) > 1 {
			return elbValidation("Only one ALPN policy can be specified")
		}
		if !tls {
			return elbConfig("An ALPN policy can be specified only for TLS listeners")
		}
		if !slices.Contains(elbALPNPolicies, in.alpn[0]) {
			return elbErr("ALPNPolicyNotFound", "ALPN policy '%s' not found", in.alpn[0])
		}
		l.alpn = in.alpn[0]
	}
	if in.actionsSent {
		if len(in.actions) != 1 {
			return elbErr("TooManyActions", "A Network Load Balancer listener takes exactly one default action")
		}
		a := in.actions[0]
		if a.typ != "forward" {
			return elbErr("InvalidLoadBalancerAction", "The action type '%s' is not valid for a Network Load Balancer listener", a.typ)
		}
		if len(a.tgs) != 1 {
			return elbErr("InvalidLoadBalancerAction", "A Network Load Balancer listener forwards to exactly one target group")
		}
		l.tg = a.tgs[0]
	}
	if l.tg == "" {
		return elbValidation("A default action must be specified")
	}
	tg := st.tgs[l.tg]
	if tg == nil {
		return elbErr("TargetGroupNotFound", "Target groups '%s' not found", l.tg)
	}
	if tg.vpc != lb.vpc {
		return elbConfig("Target group '%s' is in a different VPC than load balancer '%s'", tg.arn, lb.arn)
	}
	if !slices.Contains(elbCompatible[l.protocol], tg.protocol) {
		return elbErr("IncompatibleProtocols", "Listener protocol '%s' is not supported with a target group with the protocol '%s'", l.protocol, tg.protocol)
	}
	for _, other := range st.loadBalancers(tg) {
		if other != lb.arn {
			return elbErr("TargetGroupAssociationLimit", "The following target groups cannot be associated with more than one load balancer: %s", tg.arn)
		}
	}
	for _, other := range st.listeners {
		if other.lb == lb.arn && other.arn != l.arn && other.port == l.port && elbProtocolsOverlap(other.protocol, l.protocol) {
			return elbErr("DuplicateListener", "A listener already exists on this port for this load balancer '%s'", lb.arn)
		}
	}
	return nil
}

func elbCreateListener(c *core.Req) (any, error) {
	lb, err := elbFindLB(c)
	if err != nil {
		return nil, err
	}
	if err := elbRequired(c, "Protocol", "Port"); err != nil {
		return nil, err
	}
	in, err := elbReadListener(c)
	if err != nil {
		return nil, err
	}
	if !in.actionsSent {
		return nil, elbValidation("1 validation error detected: Value null at 'defaultActions' failed to satisfy constraint: Member must not be null")
	}
	if err := elbCheckTags(in.tags); err != nil {
		return nil, err
	}
	st := elbOf(c)
	l := &elbListener{lb: lb.arn}
	// CreateListener is idempotent: the same settings on a port give back that listener.
	var same *elbListener
	for _, other := range st.listeners {
		if other.lb == lb.arn && other.port == in.port && other.protocol == in.protocol {
			same = other
		}
	}
	if err := elbApply(c, st, lb, l, in); err != nil {
		if same != nil && err.Code == "DuplicateListener" {
			probe := &elbListener{lb: lb.arn, arn: same.arn}
			if elbApply(c, st, lb, probe, in) == nil && probe.settings() == same.settings() {
				return elbListenersResult([]*elbListener{same}, ""), nil
			}
		}
		return nil, err
	}
	n := 0
	for _, other := range st.listeners {
		if other.lb == lb.arn {
			n++
		}
	}
	if n >= 50 {
		return nil, elbErr("TooManyListeners", "You've reached the limit of 50 listeners per load balancer")
	}
	l.id = elbNewID(c)
	l.arn = elbListenerARN(lb.arn, l.id)
	l.seq = st.next()
	l.tags = in.tags
	st.listeners[l.arn] = l
	return elbListenersResult([]*elbListener{l}, ""), nil
}

// elbFindListener is the listener ListenerArn names, or ListenerNotFound.
func elbFindListener(c *core.Req) (*elbListener, *core.APIError) {
	if err := elbRequired(c, "ListenerArn"); err != nil {
		return nil, err
	}
	l := elbOf(c).listeners[c.Param("ListenerArn")]
	if l == nil {
		return nil, elbErr("ListenerNotFound", "Listener '%s' not found", c.Param("ListenerArn"))
	}
	return l, nil
}

func elbModifyListener(c *core.Req) (any, error) {
	l, err := elbFindListener(c)
	if err != nil {
		return nil, err
	}
	in, err := elbReadListener(c)
	if err != nil {
		return nil, err
	}
	st := elbOf(c)
	next := *l
	next.tags = slices.Clone(l.tags)
	if err := elbApply(c, st, st.lbs[l.lb], &next, in); err != nil {
		return nil, err
	}
	*l = next
	return elbListenersResult([]*elbListener{l}, ""), nil
}

func elbDeleteListener(c *core.Req) (any, error) {
	l, err := elbFindListener(c)
	if err != nil {
		return nil, err
	}
	delete(elbOf(c).listeners, l.arn)
	return elbEmpty{}, nil
}

func elbDescribeListeners(c *core.Req) (any, error) {
	st := elbOf(c)
	lbARN, arns := c.Param("LoadBalancerArn"), c.ParamList("ListenerArns")
	if lbARN == "" && len(arns) == 0 {
		return nil, elbValidation("You must specify either listener ARNs or a load balancer ARN")
	}
	if lbARN != "" && len(arns) > 0 {
		return nil, elbValidation("Listener ARNs and a load balancer ARN cannot be specified at the same time")
	}
	var found []*elbListener
	all := sortedBySeq(st.listeners, func(l *elbListener) int { return l.seq })
	if lbARN != "" {
		if st.lbs[lbARN] == nil {
			return nil, elbErr("LoadBalancerNotFound", "Load balancer '%s' not found", lbARN)
		}
		for _, l := range all {
			if l.lb == lbARN {
				found = append(found, l)
			}
		}
	} else {
		for _, arn := range arns {
			if st.listeners[arn] == nil {
				return nil, elbErr("ListenerNotFound", "One or more listeners not found")
			}
		}
		for _, l := range all {
			if slices.Contains(arns, l.arn) {
				found = append(found, l)
			}
		}
	}
	page, next, err := elbPage(c, found)
	if err != nil {
		return nil, err
	}
	return elbListenersResult(page, next), nil
}

type elbCertificateXML struct {
	CertificateArn string
	IsDefault      *bool `xml:",omitempty"`
}

type elbListenerCertificatesResult struct {
	Certificates core.Members[elbCertificateXML]
	NextMarker   string `xml:",omitempty"`
}

func elbDescribeListenerCertificates(c *core.Req) (any, error) {
	l, err := elbFindListener(c)
	if err != nil {
		return nil, err
	}
	var certs []elbCertificateXML
	if l.cert != "" {
		yes := true
		certs = append(certs, elbCertificateXML{CertificateArn: l.cert, IsDefault: &yes})
	}
	page, next, err := elbPage(c, certs)
	if err != nil {
		return nil, err
	}
	return elbListenerCertificatesResult{Certificates: append(core.Members[elbCertificateXML]{}, page...), NextMarker: next}, nil
}

// XML shape of listeners.

type elbTargetGroupTupleXML struct {
	TargetGroupArn string
	Weight         int
}

type elbStickinessXML struct {
	Enabled bool
}

type elbForwardXML struct {
	TargetGroups                core.Members[elbTargetGroupTupleXML]
	TargetGroupStickinessConfig elbStickinessXML
}

type elbActionXML struct {
	Type           string
	TargetGroupArn string
	ForwardConfig  elbForwardXML
}

type elbListenerXML struct {
	ListenerArn     string
	LoadBalancerArn string
	Port            int
	Protocol        string
	Certificates    core.Members[elbCertificateXML] `xml:",omitempty"`
	SslPolicy       string                          `xml:",omitempty"`
	DefaultActions  core.Members[elbActionXML]
	AlpnPolicy      core.Members[string] `xml:",omitempty"`
}

type elbListenersResultXML struct {
	Listeners  core.Members[elbListenerXML]
	NextMarker string `xml:",omitempty"`
}

func elbListenersResult(ls []*elbListener, next string) elbListenersResultXML {
	out := elbListenersResultXML{Listeners: core.Members[elbListenerXML]{}, NextMarker: next}
	for _, l := range ls {
		x := elbListenerXML{ListenerArn: l.arn, LoadBalancerArn: l.lb, Port: l.port, Protocol: l.protocol, SslPolicy: l.sslPolicy,
			DefaultActions: core.Members[elbActionXML]{{Type: "forward", TargetGroupArn: l.tg,
				ForwardConfig: elbForwardXML{TargetGroups: core.Members[elbTargetGroupTupleXML]{{TargetGroupArn: l.tg, Weight: 1}}}}}}
		if l.cert != "" {
			x.Certificates = core.Members[elbCertificateXML]{{CertificateArn: l.cert}}
		}
		if l.alpn != "" {
			x.AlpnPolicy = core.Members[string]{l.alpn}
		}
		out.Listeners = append(out.Listeners, x)
	}
	return out
}
