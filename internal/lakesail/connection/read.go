package connection

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/iampolicy"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// Fingerprint values that say why a document does not match; a matching document's fingerprint
// is its expected SHA-256 (see ExpectedFingerprints).
const (
	FingerprintMissing  = "missing"  // the policy does not exist
	FingerprintDetached = "detached" // the policy exists but is not attached (or not the boundary)
	driftedPrefix       = "drifted:" // the document differs; the suffix is the SHA-256 of what AWS has
	// FingerprintNone is the expected value of UnmanagedPermissionsKey: no policy on the role
	// beyond the connection's own.
	FingerprintNone = "none"
)

// UnmanagedPermissionsKey is the fingerprint key that records policies attached to or embedded
// in the connection role that the connection does not own.
const UnmanagedPermissionsKey = "UnmanagedPermissions"

// redactedExternalID stands in for the external ID when fingerprinting the trust policy, so
// that a low-entropy external ID cannot be recovered from a hash shown in a plan.
const redactedExternalID = "external-id-redacted"

// Connection is what AWS has for a connection, compared with what it should have.
type Connection struct {
	AccountID          string
	RoleName           string
	RolePath           string
	RoleARN            string
	RoleBoundaryARN    string // the role's actual boundary, "" when removed
	MaxSessionDuration time.Duration
	Tags               map[string]string // the role's actual tags
	// Fingerprints maps each document kind (and UnmanagedPermissionsKey) to the expected
	// fingerprint when AWS matches the spec, or a value that says what differs.
	Fingerprints map[string]string
	// Drift describes each difference in words, for warnings.
	Drift []string
	// TrustExternalIDs are the sts:ExternalId values in the role's actual trust policy. They
	// are secrets: compare them, never log them.
	TrustExternalIDs []string
	// OutsideTrust lists the roles the connection made that trust principals outside it. It is
	// not drift (apply does not change those roles; destroy deletes them): callers warn.
	OutsideTrust []OutsideTrust
}

// ExpectedFingerprints are the fingerprints of a connection that matches its spec.
func ExpectedFingerprints(bundle *connpolicy.Bundle) map[string]string {
	out := map[string]string{UnmanagedPermissionsKey: FingerprintNone}
	out[string(connpolicy.KindTrust)] = trustFingerprint(bundle)
	for _, p := range bundle.Managed() {
		out[string(p.Kind)] = p.SHA256
	}
	return out
}

func trustFingerprint(bundle *connpolicy.Bundle) string {
	spec := bundle.Spec
	spec.ExternalID = redactedExternalID
	redacted, err := connpolicy.Build(spec)
	if err != nil {
		return bundle.Trust.SHA256 // unreachable: the spec built once already
	}
	return redacted.Trust.SHA256
}

// Read observes the connection's role and policies and compares them with spec. It
// returns an error wrapping ErrNotFound when the role does not exist.
func (c *Client) Read(ctx context.Context, spec Spec) (*Connection, error) {
	return c.ReadObserved(ctx, spec, nil)
}

// ReadObserved is ReadConnection for a role that ObserveConnectionRole has just read
// (to find the external ID, for instance): that role is not read again. With a nil or another
// role's observation it reads the role itself.
func (c *Client) ReadObserved(ctx context.Context, spec Spec, observed *lakesail.RoleObservation) (*Connection, error) {
	bundle, err := c.Bundle(ctx, spec)
	if err != nil {
		return nil, err
	}
	api := c.IAM()
	var role *iamtypes.Role
	if observed != nil && observed.Role != nil && aws.ToString(observed.Role.RoleName) == bundle.RoleName {
		role = observed.Role
	} else if role, err = lakesail.FindRole(ctx, api, bundle.RoleName); err != nil {
		return nil, err
	}
	conn := &Connection{
		AccountID:          bundle.Spec.AccountID,
		RoleName:           aws.ToString(role.RoleName),
		RolePath:           aws.ToString(role.Path),
		RoleARN:            aws.ToString(role.Arn),
		MaxSessionDuration: time.Duration(aws.ToInt32(role.MaxSessionDuration)) * time.Second,
		Tags:               lakesail.TagMap(role.Tags),
		Fingerprints:       ExpectedFingerprints(bundle),
	}
	if role.PermissionsBoundary != nil {
		conn.RoleBoundaryARN = aws.ToString(role.PermissionsBoundary.PermissionsBoundaryArn)
	}
	if err := conn.compareTrust(bundle, aws.ToString(role.AssumeRolePolicyDocument)); err != nil {
		return nil, err
	}

	var attached, inline []string
	var outside []OutsideTrust
	group, gctx := errgroup.WithContext(ctx)
	group.Go(func() (err error) {
		attached, err = lakesail.FindAttachedPolicyARNs(gctx, api, bundle.RoleName)
		return err
	})
	group.Go(func() (err error) {
		inline, err = lakesail.FindInlinePolicyNames(gctx, api, bundle.RoleName)
		return err
	})
	group.Go(func() (err error) {
		outside, err = c.observeOutsideTrust(gctx, api, bundle, aws.ToTime(role.CreateDate))
		return err
	})
	documents := observePolicies(gctx, group, api, bundle.Managed())
	if err := group.Wait(); err != nil {
		return nil, err
	}
	conn.comparePolicies(bundle, documents, attached)
	conn.compareUnmanaged(bundle, attached, inline)
	conn.OutsideTrust = outside
	return conn, nil
}

// observedPolicy is a managed policy's default document as AWS has it ("" when missing).
type observedPolicies struct {
	mu   sync.Mutex
	docs map[connpolicy.PolicyKind]string
}

func observePolicies(ctx context.Context, group *errgroup.Group, api lakesail.IAMAPI, policies []*connpolicy.Policy) *observedPolicies {
	observed := &observedPolicies{docs: map[connpolicy.PolicyKind]string{}}
	for _, p := range policies {
		group.Go(func() error {
			doc, exists, err := findDefaultPolicyDocument(ctx, api, p.ARN)
			if err != nil || !exists {
				return err
			}
			observed.mu.Lock()
			observed.docs[p.Kind] = doc
			observed.mu.Unlock()
			return nil
		})
	}
	return observed
}

// firstPolicyVersion is the version CreatePolicy makes; a connection's policies keep it as their
// default until an update restores or changes a document.
const firstPolicyVersion = "v1"

// findDefaultPolicyDocument returns the default version's document of a managed policy, and
// whether the policy exists. It asks for the first version directly (one call instead of
// GetPolicy and GetPolicyVersion, in the usual case), and falls back to GetPolicy when that is
// not the default version.
func findDefaultPolicyDocument(ctx context.Context, api lakesail.IAMAPI, policyARN string) (string, bool, error) {
	out, err := api.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String(firstPolicyVersion)})
	if err := lakesail.IgnoreNotFound(lakesail.Classify("iam:GetPolicyVersion", err)); err != nil {
		return "", false, err
	}
	if err == nil && out.PolicyVersion != nil && out.PolicyVersion.IsDefaultVersion {
		doc, err := lakesail.DecodePolicyDocument(aws.ToString(out.PolicyVersion.Document))
		return doc, true, err
	}
	policy, err := lakesail.FindPolicy(ctx, api, policyARN)
	if err := lakesail.IgnoreNotFound(err); err != nil {
		return "", false, err
	}
	if policy == nil {
		return "", false, nil
	}
	doc, err := lakesail.FindPolicyDocument(ctx, api, policyARN, aws.ToString(policy.DefaultVersionId))
	return doc, true, err
}

func (conn *Connection) compareTrust(bundle *connpolicy.Bundle, encoded string) error {
	actual, err := lakesail.DecodePolicyDocument(encoded)
	if err != nil {
		return fmt.Errorf("decoding the trust policy of %s: %w", bundle.RoleName, err)
	}
	conn.TrustExternalIDs = lakesail.ExternalIDs(actual)
	if !lakesail.EquivalentPolicies(actual, bundle.Trust.JSON) {
		conn.Fingerprints[string(connpolicy.KindTrust)] = driftedPrefix + digest(redactExternalIDs(actual))
		conn.Drift = append(conn.Drift, fmt.Sprintf("the trust policy of role %s was changed", bundle.RoleName))
	}
	return nil
}

func (conn *Connection) comparePolicies(bundle *connpolicy.Bundle, observed *observedPolicies, attached []string) {
	for _, p := range bundle.Managed() {
		key := string(p.Kind)
		actual, exists := observed.docs[p.Kind]
		switch {
		case !exists:
			conn.Fingerprints[key] = FingerprintMissing
			conn.Drift = append(conn.Drift, fmt.Sprintf("policy %s was deleted", p.Name))
		case !lakesail.EquivalentPolicies(actual, p.JSON):
			conn.Fingerprints[key] = driftedPrefix + digest(actual)
			conn.Drift = append(conn.Drift, fmt.Sprintf("the default version of policy %s differs from the connection's document", p.Name))
		case p.Kind == connpolicy.KindRoleBoundary && conn.RoleBoundaryARN != p.ARN:
			conn.Fingerprints[key] = FingerprintDetached
			conn.Drift = append(conn.Drift, fmt.Sprintf("role %s no longer has %s as its permissions boundary (it has %q)",
				bundle.RoleName, p.Name, conn.RoleBoundaryARN))
		case p.Kind != connpolicy.KindRoleBoundary && p.Kind != connpolicy.KindWorkloadBoundary && !slices.Contains(attached, p.ARN):
			conn.Fingerprints[key] = FingerprintDetached
			conn.Drift = append(conn.Drift, fmt.Sprintf("policy %s was detached from role %s", p.Name, bundle.RoleName))
		}
	}
}

func (conn *Connection) compareUnmanaged(bundle *connpolicy.Bundle, attached, inline []string) {
	var extra []string
	for _, policyARN := range attached {
		if !slices.Contains(bundle.AttachedPolicyARNs(), policyARN) {
			extra = append(extra, policyARN)
		}
	}
	for _, name := range inline {
		extra = append(extra, "inline:"+name)
	}
	if len(extra) == 0 {
		return
	}
	sort.Strings(extra)
	conn.Fingerprints[UnmanagedPermissionsKey] = fmt.Sprintf("%d unmanaged: %v", len(extra), extra)
	conn.Drift = append(conn.Drift, fmt.Sprintf("role %s carries policies the connection does not manage: %v", bundle.RoleName, extra))
}

func digest(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// redactExternalIDs replaces external ID values before a trust policy is hashed.
func redactExternalIDs(trust string) string {
	doc, err := iampolicy.Parse(trust)
	if err != nil {
		return trust
	}
	for i := range doc.Statement {
		for _, keys := range doc.Statement[i].Condition {
			for key, values := range keys {
				if strings.EqualFold(key, "sts:ExternalId") {
					keys[key] = slices.Repeat(iampolicy.Values{redactedExternalID}, len(values))
				}
			}
		}
	}
	return doc.JSON()
}
