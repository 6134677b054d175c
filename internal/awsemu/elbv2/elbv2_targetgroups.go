package elbv2

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/core"
)

// Target groups of Network Load Balancers (TCP, TLS, UDP, TCP_UDP; instance or ip targets) in a
// VPC, their health checks, attributes and targets. Registered targets are "initial" for
// Options.TransitionDelay (and while no load balancer uses the group they are "unused"), then
// "healthy"; deregistered ones are "draining" for the same delay. The Service Authorization
// Reference: CreateTargetGroup acts on the new targetgroup/NAME/ID with aws:RequestTag/* and
// aws:TagKeys (and AddTags with elasticloadbalancing:CreateAction when tagged); Modify*, Delete,
// RegisterTargets and DeregisterTargets act on the target group with its resource tags; the
// Describe calls support no resource-level permissions.

func elbTargetGroupSpecs() []elbSpec {
	return []elbSpec{
		{name: "CreateTargetGroup", on: elbOnNewTG, creates: elbCreatesTG, handle: elbCreateTargetGroup},
		{name: "DescribeTargetGroups", handle: elbDescribeTargetGroups},
		{name: "ModifyTargetGroup", on: elbOnParam("TargetGroupArn"), handle: elbModifyTargetGroup},
		{name: "DeleteTargetGroup", on: elbOnParam("TargetGroupArn"), handle: elbDeleteTargetGroup},
		{name: "DescribeTargetGroupAttributes", handle: elbDescribeTargetGroupAttributes},
		{name: "ModifyTargetGroupAttributes", on: elbOnParam("TargetGroupArn"), handle: elbModifyTargetGroupAttributes},
		{name: "RegisterTargets", on: elbOnParam("TargetGroupArn"), handle: elbRegisterTargets},
		{name: "DeregisterTargets", on: elbOnParam("TargetGroupArn"), handle: elbDeregisterTargets},
		{name: "DescribeTargetHealth", handle: elbDescribeTargetHealth},
	}
}

type elbTG struct {
	seq                int
	arn, name, id      string
	protocol, vpc      string
	targetType, ipType string
	port               int
	hc                 elbHealthCheck
	attrs              map[string]string
	targets            []*elbTarget // in registration order
	tags               []core.Tag
}

type elbHealthCheck struct {
	enabled                              bool
	protocol, port, path, matcher        string
	interval, timeout, healthy, unhealth int
}

type elbTarget struct {
	id       string
	port     int
	zone     string
	state    string // initial | healthy | draining
	settleAt time.Time
}

var elbTGAttributeSpecs = map[string]elbAttributeSpec{
	"deregistration_delay.timeout_seconds":                         elbIntAttr(0, 3600),
	"deregistration_delay.connection_termination.enabled":          elbBoolAttr,
	"preserve_client_ip.enabled":                                   elbBoolAttr,
	"proxy_protocol_v2.enabled":                                    elbBoolAttr,
	"stickiness.enabled":                                           elbBoolAttr,
	"stickiness.type":                                              elbEnumAttr("source_ip"),
	"load_balancing.cross_zone.enabled":                            elbEnumAttr("true", "false", "use_load_balancer_configuration"),
	"target_health_state.unhealthy.connection_termination.enabled": elbBoolAttr,
	"target_health_state.unhealthy.draining_interval_seconds":      elbIntAttr(0, 360000),
}

// elbTGAttributeDefaults are a new target group's attributes: client IP preservation is on for
// instance targets and UDP, off for ip targets over TCP and TLS, as the NLB guide has it.
func elbTGAttributeDefaults(tg *elbTG) map[string]string {
	preserve := tg.targetType == "instance" || tg.protocol == "UDP" || tg.protocol == "TCP_UDP"
	return map[string]string{
		"deregistration_delay.timeout_seconds": "300", "deregistration_delay.connection_termination.enabled": "false",
		"preserve_client_ip.enabled": strconv.FormatBool(preserve), "proxy_protocol_v2.enabled": "false",
		"stickiness.enabled": "false", "stickiness.type": "source_ip", "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
		"target_health_state.unhealthy.connection_termination.enabled": "true", "target_health_state.unhealthy.draining_interval_seconds": "0",
	}
}

func elbOnNewTG(c *core.Req) []elbAuth {
	return []elbAuth{{arn: elbTGARN(c, c.Param("Name"), elbNewID(c)), ctx: core.RequestTagContext(elbRequestTags(c))}}
}

func elbCreatesTG(c *core.Req) (string, []core.Tag) {
	return elbTGARN(c, c.Param("Name"), elbNewID(c)), elbRequestTags(c)
}

func elbCreateTargetGroup(c *core.Req) (any, error) {
	if err := elbRequired(c, "Name"); err != nil {
		return nil, err
	}
	name := c.Param("Name")
	if err := elbCheckName("Target group", name); err != nil {
		return nil, err
	}
	tg := &elbTG{name: name, protocol: c.Param("Protocol"), vpc: c.Param("VpcId"), targetType: c.Param("TargetType"), ipType: c.Param("IpAddressType")}
	if tg.targetType == "" {
		tg.targetType = "instance"
	}
	if tg.ipType == "" {
		tg.ipType = "ipv4"
	}
	switch tg.targetType {
	case "instance", "ip":
	case "lambda", "alb":
		return nil, elbConfig("Target groups of target type '%s' are not emulated: the emulator serves Network Load Balancer target groups (instance or ip targets)", tg.targetType)
	default:
		return nil, elbValidation("1 validation error detected: Value '%s' at 'targetType' failed to satisfy constraint: Member must satisfy enum value set: [instance, ip, lambda, alb]", tg.targetType)
	}
	switch tg.protocol {
	case "TCP", "TLS", "UDP", "TCP_UDP":
	case "":
		return nil, elbValidation("A protocol must be specified")
	case "HTTP", "HTTPS", "GENEVE":
		return nil, elbConfig("Target groups with the protocol '%s' are not emulated: the emulator serves Network Load Balancer target groups (TCP, TLS, UDP, TCP_UDP)", tg.protocol)
	default:
		return nil, elbValidation("1 validation error detected: Value '%s' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE, QUIC, TCP_QUIC]", tg.protocol)
	}
	if tg.ipType != "ipv4" {
		return nil, elbConfig("IP address type '%s' needs a VPC with an IPv6 CIDR block, which the emulated VPCs have none of", tg.ipType)
	}
	port, ok, err := elbInt(c, "Port", 1, 65535)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, elbValidation("A port must be specified")
	}
	tg.port = port
	if tg.vpc == "" {
		return nil, elbValidation("A VPC ID must be specified")
	}
	if _, _, ok := elbEC2Of(c).VPC(c, tg.vpc); !ok {
		return nil, elbValidation("The VPC ID '%s' is not found", tg.vpc)
	}
	// A Network Load Balancer target group's default health check: TCP on the traffic port.
	tg.hc = elbHealthCheck{enabled: true, protocol: "TCP", port: "traffic-port", interval: 30, timeout: 10, healthy: 5, unhealth: 2}
	if err := elbReadHealthCheck(c, tg, true); err != nil {
		return nil, err
	}
	tags := elbRequestTags(c)
	if err := elbCheckTags(tags); err != nil {
		return nil, err
	}
	st := elbOf(c)
	for _, other := range st.tgs {
		if other.name != name {
			continue
		}
		if other.protocol == tg.protocol && other.port == tg.port && other.vpc == tg.vpc && other.targetType == tg.targetType && other.hc == tg.hc {
			return elbTGsResult(st, []*elbTG{other}, ""), nil // CreateTargetGroup is idempotent
		}
		return nil, elbErr("DuplicateTargetGroupName", "A target group with the same name '%s' exists, but with different settings", name)
	}
	tg.id = elbNewID(c)
	tg.arn = elbTGARN(c, name, tg.id)
	tg.seq = st.next()
	tg.tags = tags
	tg.attrs = elbTGAttributeDefaults(tg)
	st.tgs[tg.arn] = tg
	return elbTGsResult(st, []*elbTG{tg}, ""), nil
}

// elbReadHealthCheck applies the request's HealthCheck* parameters to tg's health check and
// checks the result (creating: HTTP and HTTPS checks take "/" and "200-399" by default).
func elbReadHealthCheck(c *core.Req, tg *elbTG, creating bool) *core.APIError {
	hc := tg.hc
	if v := c.Param("HealthCheckProtocol"); v != "" {
		if !core.OneOf(v, "TCP", "HTTP", "HTTPS") {
			return elbValidation("Health check protocol '%s' is not supported for target groups with the protocol '%s'", v, tg.protocol)
		}
		if hc.protocol != v {
			hc.protocol = v
			if v == "TCP" {
				hc.path, hc.matcher = "", ""
			} else if hc.path == "" {
				hc.path, hc.matcher = "/", "200-399"
			}
			if creating && v != "TCP" {
				hc.timeout = 6
				if v == "HTTPS" {
					hc.timeout = 10
				}
			}
		}
	}
	if c.HasParam("HealthCheckEnabled") {
		hc.enabled = c.ParamBool("HealthCheckEnabled")
		if !hc.enabled && (tg.targetType == "instance" || tg.targetType == "ip") {
			return elbValidation("Health checks cannot be disabled for target groups with the target type '%s'", tg.targetType)
		}
	}
	if v := c.Param("HealthCheckPort"); v != "" {
		if v != "traffic-port" {
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 65535 {
				return elbValidation("Health check port '%s' must be 'traffic-port' or a port from 1 to 65535", v)
			}
		}
		hc.port = v
	}
	if v := c.Param("HealthCheckPath"); v != "" {
		if hc.protocol == "TCP" {
			return elbValidation("Custom health check paths are not supported for health checks with the protocol 'TCP'")
		}
		if !strings.HasPrefix(v, "/") || len(v) > 1024 {
			return elbValidation("Health check path '%s' must begin with '/' and be at most 1024 characters", v)
		}
		hc.path = v
	}
	if v := c.Param("Matcher.HttpCode"); v != "" {
		if hc.protocol == "TCP" {
			return elbValidation("Health check matchers are not supported for health checks with the protocol 'TCP'")
		}
		hc.matcher = v
	}
	for _, p := range []struct {
		param  string
		lo, hi int
		dst    *int
	}{
		{"HealthCheckIntervalSeconds", 5, 300, &hc.interval}, {"HealthCheckTimeoutSeconds", 2, 120, &hc.timeout},
		{"HealthyThresholdCount", 2, 10, &hc.healthy}, {"UnhealthyThresholdCount", 2, 10, &hc.unhealth},
	} {
		n, ok, err := elbInt(c, p.param, p.lo, p.hi)
		if err != nil {
			return err
		}
		if ok {
			*p.dst = n
		}
	}
	if hc.timeout >= hc.interval {
		return elbValidation("Health check timeout '%d' must be smaller than the interval '%d'", hc.timeout, hc.interval)
	}
	tg.hc = hc
	return nil
}

// elbFindTG is the target group TargetGroupArn names, or TargetGroupNotFound.
func elbFindTG(c *core.Req) (*elbTG, *core.APIError) {
	if err := elbRequired(c, "TargetGroupArn"); err != nil {
		return nil, err
	}
	tg := elbOf(c).tgs[c.Param("TargetGroupArn")]
	if tg == nil {
		return nil, elbErr("TargetGroupNotFound", "Target groups '%s' not found", c.Param("TargetGroupArn"))
	}
	return tg, nil
}

// loadBalancers are the load balancers whose listeners forward to tg.
func (st *elbState) loadBalancers(tg *elbTG) []string {
	var out []string
	for _, l := range sortedBySeq(st.listeners, func(l *elbListener) int { return l.seq }) {
		if l.tg == tg.arn && !slices.Contains(out, l.lb) {
			out = append(out, l.lb)
		}
	}
	return out
}

func elbDescribeTargetGroups(c *core.Req) (any, error) {
	st := elbOf(c)
	arns, names, lbARN := c.ParamList("TargetGroupArns"), c.ParamList("Names"), c.Param("LoadBalancerArn")
	n := 0
	for _, set := range []bool{len(arns) > 0, len(names) > 0, lbARN != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, elbValidation("Only one of target group ARNs, names and a load balancer ARN can be specified")
	}
	all := sortedBySeq(st.tgs, func(tg *elbTG) int { return tg.seq })
	var found []*elbTG
	switch {
	case len(arns) > 0:
		for _, arn := range arns {
			if st.tgs[arn] == nil {
				return nil, elbErr("TargetGroupNotFound", "One or more target groups not found")
			}
		}
		for _, tg := range all {
			if slices.Contains(arns, tg.arn) {
				found = append(found, tg)
			}
		}
	case len(names) > 0:
		for _, name := range names {
			if !slices.ContainsFunc(all, func(tg *elbTG) bool { return tg.name == name }) {
				return nil, elbErr("TargetGroupNotFound", "Target groups '[%s]' not found", name)
			}
		}
		for _, tg := range all {
			if slices.Contains(names, tg.name) {
				found = append(found, tg)
			}
		}
	case lbARN != "":
		if st.lbs[lbARN] == nil {
			return nil, elbErr("LoadBalancerNotFound", "Load balancer '%s' not found", lbARN)
		}
		for _, tg := range all {
			if slices.Contains(st.loadBalancers(tg), lbARN) {
				found = append(found, tg)
			}
		}
	default:
		found = all
	}
	page, next, err := elbPage(c, found)
	if err != nil {
		return nil, err
	}
	return elbTGsResult(st, page, next), nil
}

func elbModifyTargetGroup(c *core.Req) (any, error) {
	tg, err := elbFindTG(c)
	if err != nil {
		return nil, err
	}
	if err := elbReadHealthCheck(c, tg, false); err != nil {
		return nil, err
	}
	return elbTGsResult(elbOf(c), []*elbTG{tg}, ""), nil
}

// elbDeleteTargetGroup deletes a target group no listener uses; one that does not exist is no
// error (the API reference lists only ResourceInUse).
func elbDeleteTargetGroup(c *core.Req) (any, error) {
	if err := elbRequired(c, "TargetGroupArn"); err != nil {
		return nil, err
	}
	st := elbOf(c)
	tg := st.tgs[c.Param("TargetGroupArn")]
	if tg == nil {
		return elbEmpty{}, nil
	}
	if len(st.loadBalancers(tg)) > 0 {
		return nil, elbErr("ResourceInUse", "Target group '%s' is currently in use by a listener or a rule", tg.arn)
	}
	delete(st.tgs, tg.arn)
	return elbEmpty{}, nil
}

func elbDescribeTargetGroupAttributes(c *core.Req) (any, error) {
	tg, err := elbFindTG(c)
	if err != nil {
		return nil, err
	}
	return elbAttributesResult{Attributes: elbAttributeList(tg.attrs)}, nil
}

func elbModifyTargetGroupAttributes(c *core.Req) (any, error) {
	tg, err := elbFindTG(c)
	if err != nil {
		return nil, err
	}
	if err := elbModifyAttributes(c, "Target group", tg.attrs, elbTGAttributeSpecs); err != nil {
		return nil, err
	}
	return elbAttributesResult{Attributes: elbAttributeList(tg.attrs)}, nil
}

// elbReadTargets reads Targets.member.N (Id, Port, AvailabilityZone); a target without a port
// takes the group's.
func elbReadTargets(c *core.Req, tg *elbTG) ([]*elbTarget, *core.APIError) {
	in := c.ParamStructs("Targets", "Id", "Port", "AvailabilityZone")
	if len(in) == 0 {
		return nil, elbValidation("1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null")
	}
	out := make([]*elbTarget, 0, len(in))
	for _, m := range in {
		t := &elbTarget{id: m["Id"], port: tg.port, zone: m["AvailabilityZone"]}
		if t.id == "" {
			return nil, elbValidation("A target ID must be specified")
		}
		if p := m["Port"]; p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 || n > 65535 {
				return nil, elbValidation("Port '%s' of target '%s' must be from 1 to 65535", p, t.id)
			}
			t.port = n
		}
		out = append(out, t)
	}
	return out, nil
}

// elbPrivateRanges are where an ip target outside the group's VPC may be (a peered VPC or on
// premises), with AvailabilityZone "all".
var elbPrivateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10"),
}

// elbCheckTarget checks a target for tg: an ip target is an IPv4 address in the VPC's CIDR (or
// in a private range with AvailabilityZone "all"); an instance target is a running instance in
// the VPC.
func elbCheckTarget(c *core.Req, tg *elbTG, t *elbTarget) *core.APIError {
	ec2 := elbEC2Of(c)
	if tg.targetType == "instance" {
		vpc, running, ok := ec2.Instance(c, t.id)
		switch {
		case !ok:
			return elbErr("InvalidTarget", "The following targets are not valid instances: '%s'", t.id)
		case vpc != tg.vpc:
			return elbErr("InvalidTarget", "The following targets are not in the target group VPC '%s': '%s'", tg.vpc, t.id)
		case !running:
			return elbErr("InvalidTarget", "The following targets are not in a running state and cannot be registered: '%s'", t.id)
		}
		return nil
	}
	a, err := netip.ParseAddr(t.id)
	if err != nil || !a.Is4() {
		return elbErr("InvalidTarget", "The IP address '%s' is not a valid IPv4 address", t.id)
	}
	cidr, _, _ := ec2.VPC(c, tg.vpc)
	if p, err := netip.ParsePrefix(cidr); err == nil && p.Contains(a) {
		if t.zone == "all" {
			return elbValidation("The Availability Zone 'all' is only for IP addresses outside the VPC of the target group; '%s' is in '%s'", t.id, tg.vpc)
		}
		return nil
	}
	for _, p := range elbPrivateRanges {
		if p.Contains(a) {
			if t.zone != "all" {
				return elbValidation("The IP address '%s' is outside the VPC of the target group: its Availability Zone must be 'all'", t.id)
			}
			return nil
		}
	}
	return elbErr("InvalidTarget", "The following targets are not in the target group VPC '%s' or a private range: '%s'", tg.vpc, t.id)
}

func (tg *elbTG) target(id string, port int) *elbTarget {
	for _, t := range tg.targets {
		if t.id == id && t.port == port {
			return t
		}
	}
	return nil
}

func elbRegisterTargets(c *core.Req) (any, error) {
	tg, err := elbFindTG(c)
	if err != nil {
		return nil, err
	}
	targets, err := elbReadTargets(c, tg)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		if err := elbCheckTarget(c, tg, t); err != nil {
			return nil, err
		}
	}
	if len(tg.targets)+len(targets) > 1000 {
		return nil, elbErr("TooManyTargets", "You've reached the limit of 1000 targets per target group")
	}
	for _, t := range targets {
		if old := tg.target(t.id, t.port); old != nil {
			if old.state == "draining" {
				old.state, old.settleAt = "initial", c.Now.Add(c.TransitionDelay())
			}
			continue
		}
		t.state, t.settleAt = "initial", c.Now.Add(c.TransitionDelay())
		tg.targets = append(tg.targets, t)
	}
	return elbEmpty{}, nil
}

func elbDeregisterTargets(c *core.Req) (any, error) {
	tg, err := elbFindTG(c)
	if err != nil {
		return nil, err
	}
	targets, err := elbReadTargets(c, tg)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		if tg.target(t.id, t.port) == nil {
			return nil, elbErr("InvalidTarget", "The following targets are not registered in target group '%s': 'Id=%s,Port=%d'", tg.arn, t.id, t.port)
		}
	}
	for _, t := range targets {
		if old := tg.target(t.id, t.port); old.state != "draining" {
			old.state, old.settleAt = "draining", c.Now.Add(c.TransitionDelay())
		}
	}
	return elbEmpty{}, nil
}

type elbTargetXML struct {
	Id               string
	Port             int
	AvailabilityZone string `xml:",omitempty"`
}

type elbTargetHealthXML struct {
	State       string
	Reason      string `xml:",omitempty"`
	Description string `xml:",omitempty"`
}

type elbTargetHealthDescriptionXML struct {
	Target          elbTargetXML
	HealthCheckPort string
	TargetHealth    elbTargetHealthXML
}

type elbTargetHealthResult struct {
	TargetHealthDescriptions core.Members[elbTargetHealthDescriptionXML]
}

// elbHealth is a target's health as DescribeTargetHealth reports it: "unused" while no load
// balancer uses the group, "initial" while registering (or its load balancers provision).
func elbHealth(st *elbState, tg *elbTG, t *elbTarget) elbTargetHealthXML {
	lbs := st.loadBalancers(tg)
	switch {
	case t.state == "draining":
		return elbTargetHealthXML{State: "draining", Reason: "Target.DeregistrationInProgress", Description: "Target deregistration is in progress"}
	case len(lbs) == 0:
		return elbTargetHealthXML{State: "unused", Reason: "Target.NotInUse", Description: "Target group is not configured to receive traffic from the load balancer"}
	case t.state == "initial":
		return elbTargetHealthXML{State: "initial", Reason: "Elb.RegistrationInProgress", Description: "Target registration is in progress"}
	}
	for _, arn := range lbs {
		if lb := st.lbs[arn]; lb != nil && lb.state != "active" {
			return elbTargetHealthXML{State: "initial", Reason: "Elb.InitialHealthChecking", Description: "Initial health checks in progress"}
		}
	}
	return elbTargetHealthXML{State: "healthy"}
}

func elbDescribeTargetHealth(c *core.Req) (any, error) {
	tg, err := elbFindTG(c)
	if err != nil {
		return nil, err
	}
	st := elbOf(c)
	out := elbTargetHealthResult{TargetHealthDescriptions: core.Members[elbTargetHealthDescriptionXML]{}}
	describe := func(t *elbTarget, health elbTargetHealthXML) {
		hcPort := tg.hc.port
		if hcPort == "traffic-port" {
			hcPort = strconv.Itoa(t.port)
		}
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, elbTargetHealthDescriptionXML{
			Target: elbTargetXML{Id: t.id, Port: t.port, AvailabilityZone: t.zone}, HealthCheckPort: hcPort, TargetHealth: health})
	}
	if len(c.ParamStructs("Targets", "Id", "Port", "AvailabilityZone")) == 0 {
		for _, t := range tg.targets {
			describe(t, elbHealth(st, tg, t))
		}
		return out, nil
	}
	asked, err := elbReadTargets(c, tg)
	if err != nil {
		return nil, err
	}
	for _, a := range asked {
		if t := tg.target(a.id, a.port); t != nil {
			describe(t, elbHealth(st, tg, t))
			continue
		}
		describe(a, elbTargetHealthXML{State: "unused", Reason: "Target.NotRegistered", Description: "Target is not registered to the target group"})
	}
	return out, nil
}

// XML shape of target groups.

type elbMatcherXML struct {
	HttpCode string
}

type elbTGXML struct {
	TargetGroupArn             string
	TargetGroupName            string
	Protocol                   string
	Port                       int
	VpcId                      string
	HealthCheckProtocol        string
	HealthCheckPort            string
	HealthCheckEnabled         bool
	HealthCheckIntervalSeconds int
	HealthCheckTimeoutSeconds  int
	HealthyThresholdCount      int
	UnhealthyThresholdCount    int
	HealthCheckPath            string         `xml:",omitempty"`
	Matcher                    *elbMatcherXML `xml:",omitempty"`
	LoadBalancerArns           core.Members[string]
	TargetType                 string
	IpAddressType              string
}

type elbTGsResultXML struct {
	TargetGroups core.Members[elbTGXML]
	NextMarker   string `xml:",omitempty"`
}

func elbTGsResult(st *elbState, tgs []*elbTG, next string) elbTGsResultXML {
	out := elbTGsResultXML{TargetGroups: core.Members[elbTGXML]{}, NextMarker: next}
	for _, tg := range tgs {
		x := elbTGXML{
			TargetGroupArn: tg.arn, TargetGroupName: tg.name, Protocol: tg.protocol, Port: tg.port, VpcId: tg.vpc,
			HealthCheckProtocol: tg.hc.protocol, HealthCheckPort: tg.hc.port, HealthCheckEnabled: tg.hc.enabled,
			HealthCheckIntervalSeconds: tg.hc.interval, HealthCheckTimeoutSeconds: tg.hc.timeout,
			HealthyThresholdCount: tg.hc.healthy, UnhealthyThresholdCount: tg.hc.unhealth, HealthCheckPath: tg.hc.path,
			LoadBalancerArns: append(core.Members[string]{}, st.loadBalancers(tg)...), TargetType: tg.targetType, IpAddressType: tg.ipType,
		}
		if tg.hc.matcher != "" {
			x.Matcher = &elbMatcherXML{HttpCode: tg.hc.matcher}
		}
		out.TargetGroups = append(out.TargetGroups, x)
	}
	return out
}
