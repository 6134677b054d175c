package network

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// NATMode says how many NAT gateways a created network has.
type NATMode string

const (
	// NATSingle is one NAT gateway, in the first zone, shared by every private subnet.
	NATSingle NATMode = "single"
	// NATPerAZ is one NAT gateway per zone, each serving its zone's private subnet.
	NATPerAZ NATMode = "per_az"
)

// Zone counts a created network accepts; DefaultZoneCount applies when neither zones nor a count
// is given.
const (
	MinZones         = 2
	MaxZones         = 3
	DefaultZoneCount = 2
	// MinVPCPrefix and MaxVPCPrefix bound the network's CIDR: the largest VPC AWS allows, and the
	// smallest that still leaves /28 public subnets (AWS's smallest) in the layout.
	MinVPCPrefix = 16
	MaxVPCPrefix = 24
)

// privateRanges are the RFC 1918 ranges a network's CIDR must fall in.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// Spec is the desired state of a LakeSail network.
type Spec struct {
	ConnectionID string
	// TenantID goes into the LakeSail-Tenant tag; when empty it is read from the connection role's
	// own LakeSail-Tenant tag.
	TenantID string
	// RoleARN is the connection role every call is made through.
	RoleARN string
	// ExternalID of the connection; when empty it is read from the role's trust policy with the
	// client's own credentials.
	ExternalID string
	NetworkID  string
	// Session, when set, is the connection role already assumed (OpenConnectionSession on
	// RoleARN); the operation acts through it and ignores ExternalID and TenantID.
	Session *lakesail.ConnectionSession

	// A created network: its CIDR, zones (explicit, or a count picked from the region) and NAT mode.
	CIDRBlock             string
	AvailabilityZones     []string
	AvailabilityZoneCount int
	NATGateways           NATMode

	// Bring your own VPC: the VPC and its subnets are only tagged, never changed otherwise.
	VPCID            string
	PrivateSubnetIDs []string
	PublicSubnetIDs  []string

	// KMSKeyARN brings a key for the bucket; when empty the network creates one.
	KMSKeyARN string
	// ForceDestroy lets DeleteNetwork empty and delete the bucket and schedule the key's deletion.
	ForceDestroy bool
	// Tags are extra tags for everything the network creates; the LakeSail tags win over them.
	Tags map[string]string
}

// BringsOwnVPC reports whether the network adopts an existing VPC instead of creating one.
func (s Spec) BringsOwnVPC() bool { return s.VPCID != "" }

// BringsOwnKey reports whether the bucket is encrypted with a key the network does not own.
func (s Spec) BringsOwnKey() bool { return s.KMSKeyARN != "" }

// NamePrefix starts the Name tag of every object of the network: lakesail-<conn>-<net>.
func (s Spec) NamePrefix() string { return "lakesail-" + s.ConnectionID + "-" + s.NetworkID }

// BucketName is the workspace bucket: lakesail-<conn-lower>-<net-lower>-ws.
func (s Spec) BucketName() string {
	return "lakesail-" + strings.ToLower(s.ConnectionID) + "-" + strings.ToLower(s.NetworkID) + "-ws"
}

// KMSAlias is the alias of the key the network creates: alias/lakesail-<conn>-<net>.
func (s Spec) KMSAlias() string { return "alias/" + s.NamePrefix() }

// NATMode is the spec's NAT mode with the default applied.
func (s Spec) NATMode() NATMode {
	if s.NATGateways == "" {
		return NATSingle
	}
	return s.NATGateways
}

// ZoneCount is how many zones a created network spans.
func (s Spec) ZoneCount() int {
	switch {
	case len(s.AvailabilityZones) > 0:
		return len(s.AvailabilityZones)
	case s.AvailabilityZoneCount > 0:
		return s.AvailabilityZoneCount
	}
	return DefaultZoneCount
}

// networkTags are the tags every object of the network carries: the extra tags overlaid with
// the LakeSail tags.
func (s Spec) networkTags(tenantID string) map[string]string {
	tags := maps.Clone(s.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, connpolicy.Tags(connpolicy.Spec{ConnectionID: s.ConnectionID, TenantID: tenantID}))
	tags[connpolicy.TagNetwork] = s.NetworkID
	return tags
}

// SpecError is a spec the library refuses, naming the field and the problem.
type SpecError struct {
	Field   string // NetworkSpec field, e.g. "CIDRBlock"
	Problem string

	kind error // ErrInvalidNetworkCIDR for ValidateNetworkCIDR's findings
}

func (e *SpecError) Error() string { return "invalid network: " + e.Field + " " + e.Problem }

func (e *SpecError) Unwrap() error { return e.kind }

// ErrInvalidNetworkCIDR is wrapped by the errors of ValidateNetworkCIDR (also returned first by
// PlanSubnets), so a caller that checked the range already can tell them from layout errors.
var ErrInvalidNetworkCIDR = errors.New("invalid network CIDR block")

func specError(field, format string, args ...any) error {
	return &SpecError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// Validate checks everything that can be checked without AWS.
func (s Spec) Validate() error {
	if !lakesail.LakeSailID.MatchString(s.ConnectionID) {
		return specError("ConnectionID", "must be 10 upper-case letters or digits")
	}
	if !lakesail.LakeSailID.MatchString(s.NetworkID) {
		return specError("NetworkID", "must be 10 upper-case letters or digits")
	}
	if s.TenantID != "" && !lakesail.LakeSailID.MatchString(s.TenantID) {
		return specError("TenantID", "must be 10 upper-case letters or digits")
	}
	if _, err := lakesail.RoleNameOf(s.RoleARN); err != nil {
		return specError("RoleARN", "%v", err)
	}
	if s.KMSKeyARN != "" {
		if parsed, err := arn.Parse(s.KMSKeyARN); err != nil || parsed.Service != "kms" || !strings.HasPrefix(parsed.Resource, "key/") {
			return specError("KMSKeyARN", "must be the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>)")
		}
	}
	for key := range s.Tags {
		if strings.HasPrefix(strings.ToLower(key), "aws:") {
			return specError("Tags", "may not use the reserved prefix aws: (%q)", key)
		}
	}
	if s.BringsOwnVPC() {
		return s.validateOwnVPC()
	}
	return s.validateCreatedVPC()
}

func (s Spec) validateOwnVPC() error {
	switch {
	case s.CIDRBlock != "" || len(s.AvailabilityZones) > 0 || s.AvailabilityZoneCount != 0 || s.NATGateways != "":
		return specError("VPCID", "excludes CIDRBlock, AvailabilityZones, AvailabilityZoneCount and NATGateways: a brought VPC keeps its own layout")
	case !strings.HasPrefix(s.VPCID, "vpc-"):
		return specError("VPCID", "must be a VPC id (vpc-...)")
	}
	for field, ids := range map[string][]string{"PrivateSubnetIDs": s.PrivateSubnetIDs, "PublicSubnetIDs": s.PublicSubnetIDs} {
		if len(ids) < MinZones || len(ids) > MaxZones {
			return specError(field, "must list %d to %d subnets, one per zone", MinZones, MaxZones)
		}
		for _, id := range ids {
			if !strings.HasPrefix(id, "subnet-") {
				return specError(field, "must list subnet ids (subnet-...), not %q", id)
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
			return specError(field, "lists a subnet twice")
		}
	}
	for _, id := range s.PrivateSubnetIDs {
		if slices.Contains(s.PublicSubnetIDs, id) {
			return specError("PublicSubnetIDs", "lists %s, which is also a private subnet", id)
		}
	}
	return nil
}

func (s Spec) validateCreatedVPC() error {
	if len(s.PrivateSubnetIDs) > 0 || len(s.PublicSubnetIDs) > 0 {
		return specError("VPCID", "is required with PrivateSubnetIDs and PublicSubnetIDs")
	}
	prefix, err := parseNetworkCIDR(s.CIDRBlock)
	if err != nil {
		return err
	}
	if len(s.AvailabilityZones) > 0 && s.AvailabilityZoneCount != 0 && s.AvailabilityZoneCount != len(s.AvailabilityZones) {
		return specError("AvailabilityZoneCount", "conflicts with the %d zones listed", len(s.AvailabilityZones))
	}
	if n := s.ZoneCount(); n < MinZones || n > MaxZones {
		return specError("AvailabilityZones", "must name %d or %d zones, not %d", MinZones, MaxZones, n)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(s.AvailabilityZones)))) != len(s.AvailabilityZones) {
		return specError("AvailabilityZones", "lists a zone twice")
	}
	if m := s.NATMode(); m != NATSingle && m != NATPerAZ {
		return specError("NATGateways", "must be %q or %q, not %q", NATSingle, NATPerAZ, m)
	}
	if _, err := carveSubnets(prefix, s.ZoneCount()); err != nil {
		return err
	}
	return nil
}

// ValidateNetworkCIDR checks a created network's CIDR: IPv4, within an RFC 1918 range, /16 to /24.
// Its errors wrap ErrInvalidNetworkCIDR.
func ValidateNetworkCIDR(cidr string) error {
	_, err := parseNetworkCIDR(cidr)
	return err
}

// parseNetworkCIDR is ValidateNetworkCIDR that also returns the parsed range.
func parseNetworkCIDR(cidr string) (netip.Prefix, error) {
	invalid := func(format string, args ...any) (netip.Prefix, error) {
		return netip.Prefix{}, &SpecError{Field: "CIDRBlock", Problem: fmt.Sprintf(format, args...), kind: ErrInvalidNetworkCIDR}
	}
	prefix, err := netip.ParsePrefix(cidr)
	switch {
	case err != nil || !prefix.Addr().Is4():
		return invalid("must be an IPv4 CIDR block such as 10.0.0.0/16, not %q", cidr)
	case prefix.Masked() != prefix:
		return invalid("%s has host bits set; the network address is %s", cidr, prefix.Masked())
	case prefix.Bits() < MinVPCPrefix || prefix.Bits() > MaxVPCPrefix:
		return invalid("must be /%d to /%d, not /%d", MinVPCPrefix, MaxVPCPrefix, prefix.Bits())
	}
	for _, r := range privateRanges {
		if r.Contains(prefix.Addr()) && r.Bits() <= prefix.Bits() {
			return prefix, nil
		}
	}
	return invalid("%s is not within a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)", cidr)
}

// Network is what exists of a network: every object it created (recorded as it goes during a
// create), the bucket and key, and how AWS differs from the spec.
type Network struct {
	ConnectionID string
	NetworkID    string
	TenantID     string

	VPCID                string
	AvailabilityZones    []string // in layout order
	PublicSubnetIDs      []string // by zone, in layout order
	PrivateSubnetIDs     []string
	InternetGatewayID    string
	NATGatewayIDs        []string
	ElasticIPIDs         []string // allocation ids
	PublicRouteTableID   string
	PrivateRouteTableIDs []string
	SecurityGroupID      string
	S3EndpointID         string

	BucketName string
	BucketARN  string
	KMSKeyARN  string
	KMSAlias   string // "" when the key was brought

	// AdoptedTagKeys are, per brought VPC or subnet id, the tag keys the network added (and
	// removes on destroy); tags the customer had already are never touched.
	AdoptedTagKeys map[string][]string

	// Drift lists, in words, how AWS differs from the spec; an update puts each back.
	Drift []string
}

func (n *Network) clone() Network {
	out := *n
	for _, list := range []*[]string{&out.AvailabilityZones, &out.PublicSubnetIDs, &out.PrivateSubnetIDs, &out.NATGatewayIDs,
		&out.ElasticIPIDs, &out.PrivateRouteTableIDs, &out.Drift} {
		*list = slices.Clone(*list)
	}
	if n.AdoptedTagKeys != nil {
		out.AdoptedTagKeys = make(map[string][]string, len(n.AdoptedTagKeys))
		for id, keys := range n.AdoptedTagKeys {
			out.AdoptedTagKeys[id] = slices.Clone(keys)
		}
	}
	return out
}

// Retained is what a destroy without ForceDestroy leaves in place so no data is lost.
type Retained struct {
	BucketName string // "" when there was no bucket
	KMSKeyARN  string // "" when the key was brought or did not exist
}
