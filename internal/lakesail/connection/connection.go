package connection

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail/connpolicy"
)

// DefaultMaxSessionDuration is the connection role's default maximum session length.
const DefaultMaxSessionDuration = time.Hour

// Spec is the desired state of a connection's IAM objects.
type Spec struct {
	// Policy is what the documents are rendered from. AccountID and Partition may be left
	// empty: the client fills them in.
	Policy connpolicy.Spec
	// MaxSessionDuration of the role, 1h to 12h (DefaultMaxSessionDuration when zero).
	MaxSessionDuration time.Duration
	// Tags are extra tags (the provider's default_tags and the resource's tags); the LakeSail
	// tags win over them.
	Tags map[string]string
}

// ConnectionTags are the tags every object of the connection carries: the extra tags, overlaid
// with the LakeSail tags.
func (s Spec) ConnectionTags() map[string]string {
	tags := maps.Clone(s.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, connpolicy.Tags(s.Policy))
	return tags
}

func (s Spec) maxSession() time.Duration {
	if s.MaxSessionDuration == 0 {
		return DefaultMaxSessionDuration
	}
	return s.MaxSessionDuration
}

// Bundle renders the connection's documents for this client's account and partition.
func (c *Client) Bundle(ctx context.Context, spec Spec) (*connpolicy.Bundle, error) {
	policy, err := c.completePolicySpec(ctx, spec.Policy)
	if err != nil {
		return nil, err
	}
	return connpolicy.Build(policy)
}

func (c *Client) completePolicySpec(ctx context.Context, s connpolicy.Spec) (connpolicy.Spec, error) {
	if s.AccountID == "" {
		account, err := c.AccountID(ctx)
		if err != nil {
			return s, err
		}
		s.AccountID = account
	}
	if s.Partition == "" {
		s.Partition = c.Partition()
	}
	if s.LakeSailPrincipal == "" {
		s.LakeSailPrincipal = c.LakeSailPrincipal()
	}
	return s, nil
}

// Create creates the connection's policies and role.
//
// A connection id is owned by one caller (one Terraform state, one stack): the RoleBoundary
// policy is created first and alone, and since IAM creates a name only once, the create that
// makes it owns the id. Every other create of the same id meets EntityAlreadyExists there and
// returns a *ConflictError before it records or changes anything. onRoleNamed is called right
// after that lock is won and before anything else is made, so the caller can record the
// connection and a later failure leaves only what the caller's delete removes.
//
// Any *ConflictError means that nothing that already existed was changed or deleted and that
// this create deleted again what it had made (a *RollbackError inside names what it could not):
// the caller must forget what onRoleNamed had it record, or its delete would remove objects
// another owner holds. A role of the same name that exists already is found before the lock.
func (c *Client) Create(ctx context.Context, spec Spec, onRoleNamed func(roleName string)) (*Connection, error) {
	bundle, err := c.Bundle(ctx, spec)
	if err != nil {
		return nil, err
	}
	// The role changes here: what a refresh read of it is stale from now on.
	defer c.ForgetConnectionRole(bundle.RoleARN)

	api := c.IAM()
	switch _, err := lakesail.FindRole(ctx, api, bundle.RoleName); {
	case err == nil:
		return nil, &lakesail.ConflictError{What: "IAM role " + bundle.RoleName,
			Err: &lakesail.AWSError{Action: "iam:GetRole", Code: "EntityAlreadyExists", Message: "role " + bundle.RoleName + " exists"}}
	case !errors.Is(err, lakesail.ErrNotFound):
		return nil, err
	}
	tags := spec.ConnectionTags()

	// The lock. Losing it changes nothing, so there is nothing to undo.
	made := &createdPolicies{}
	if err := createNewPolicy(ctx, api, bundle.RoleBoundary, tags); err != nil {
		return nil, err
	}
	made.add(bundle.RoleBoundary)
	if onRoleNamed != nil {
		onRoleNamed(bundle.RoleName)
	}

	// The boundary must exist before the role that carries it, and every policy before it is
	// attached; the policies are independent of each other.
	others := slices.DeleteFunc(bundle.Managed(), func(p *connpolicy.Policy) bool { return p.Kind == connpolicy.KindRoleBoundary })
	if err := createPolicies(ctx, api, others, tags, made); err != nil {
		return nil, rollBackOnConflict(ctx, api, err, made)
	}
	created, err := api.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(bundle.RoleName),
		Path:                     aws.String(bundle.RolePath),
		AssumeRolePolicyDocument: aws.String(bundle.Trust.JSON),
		PermissionsBoundary:      aws.String(bundle.RoleBoundary.ARN),
		MaxSessionDuration:       aws.Int32(int32(spec.maxSession() / time.Second)),
		Description:              aws.String("LakeSail connection " + bundle.Spec.ConnectionID + ": assumed by LakeSail with the connection's external ID."),
		Tags:                     lakesail.IAMTags(tags),
	})
	if err != nil {
		var exists *iamtypes.EntityAlreadyExistsException
		if errors.As(err, &exists) {
			err = &lakesail.ConflictError{What: "IAM role " + bundle.RoleName, Err: lakesail.Classify("iam:CreateRole", err)}
			return nil, rollBackOnConflict(ctx, api, err, made)
		}
		return nil, lakesail.Classify("iam:CreateRole", err)
	}
	if err := attachPolicies(ctx, api, bundle.RoleName, bundle.AttachedPolicyARNs()); err != nil {
		return nil, err
	}
	// Every call above succeeded, so AWS has exactly what was sent: reading it back would only
	// repeat it (ReadConnection is for drift, at the next refresh).
	roleARN := bundle.RoleARN
	if created.Role != nil && created.Role.Arn != nil {
		roleARN = aws.ToString(created.Role.Arn)
	}
	return madeConnection(bundle, spec, roleARN, tags), nil
}

// madeConnection is the Connection a successful create made: the bundle's documents, all
// attached, on a role with the given ARN and tags.
func madeConnection(bundle *connpolicy.Bundle, spec Spec, roleARN string, tags map[string]string) *Connection {
	return &Connection{
		AccountID:          bundle.Spec.AccountID,
		RoleName:           bundle.RoleName,
		RolePath:           bundle.RolePath,
		RoleARN:            roleARN,
		RoleBoundaryARN:    bundle.RoleBoundary.ARN,
		MaxSessionDuration: spec.maxSession(),
		Tags:               maps.Clone(tags),
		Fingerprints:       ExpectedFingerprints(bundle),
		TrustExternalIDs:   lakesail.ExternalIDs(bundle.Trust.JSON),
	}
}

// createPolicies creates every policy, none of which may exist yet, and adds each one it made
// to made. A failure does not cancel the other calls: each runs to a definite outcome, so made
// is exactly what this create owns. Every failure is returned (errors.Join), conflicts included.
func createPolicies(ctx context.Context, api lakesail.IAMAPI, policies []*connpolicy.Policy, tags map[string]string, made *createdPolicies) error {
	var group errgroup.Group
	group.SetLimit(lakesail.IAMConcurrency)
	var mu sync.Mutex
	var errs []error
	for _, p := range policies {
		group.Go(func() error {
			if err := createNewPolicy(ctx, api, p, tags); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return nil
			}
			made.add(p)
			return nil
		})
	}
	_ = group.Wait() // the goroutines report through errs
	return errors.Join(errs...)
}

// createNewPolicy creates a managed policy that must not exist yet: one of the same name is a
// *ConflictError and is left exactly as it is (neither adopted nor rewritten).
func createNewPolicy(ctx context.Context, api lakesail.IAMAPI, p *connpolicy.Policy, tags map[string]string) error {
	_, err := api.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName:     aws.String(p.Name),
		Path:           aws.String(p.Path),
		Description:    aws.String(p.Description),
		PolicyDocument: aws.String(p.JSON),
		Tags:           lakesail.IAMTags(tags),
	})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		return &lakesail.ConflictError{What: "IAM policy " + p.Name, Err: lakesail.Classify("iam:CreatePolicy", err)}
	}
	return lakesail.Classify("iam:CreatePolicy", err)
}

// createdPolicies are the policies one create made, in the order it made them.
type createdPolicies struct {
	mu       sync.Mutex
	policies []*connpolicy.Policy
}

func (c *createdPolicies) add(p *connpolicy.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.policies = append(c.policies, p)
}

// rollBackOnConflict deletes what this create made when err holds a *ConflictError, and
// returns err (with a *RollbackError joined in when something could not be deleted). Any other
// failure is returned as is: the caller has recorded the connection and its delete cleans up.
func rollBackOnConflict(ctx context.Context, api lakesail.IAMAPI, err error, made *createdPolicies) error {
	var conflict *lakesail.ConflictError
	if !errors.As(err, &conflict) {
		return err
	}
	// It runs even when the create's context is done, so a timed-out apply still cleans up.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lakesail.RollbackTimeout)
	defer cancel()
	made.mu.Lock()
	defer made.mu.Unlock()
	var leftBehind []string
	var errs []error
	// Newest first, so the lock (RoleBoundary, made first) goes last: no other create can
	// claim the id while this one still has objects under it.
	for _, p := range slices.Backward(made.policies) {
		if delErr := lakesail.DeleteManagedPolicy(ctx, api, p.ARN); delErr != nil {
			leftBehind = append(leftBehind, "IAM policy "+p.ARN)
			errs = append(errs, delErr)
		}
	}
	if len(leftBehind) == 0 {
		return conflict
	}
	return &lakesail.ConflictError{What: conflict.What, Err: errors.Join(conflict.Err, &RollbackError{LeftBehind: leftBehind, Err: errors.Join(errs...)})}
}

// RollbackError says a create that met a conflict could not delete everything it had made.
// Nobody records LeftBehind: those objects must be deleted by hand.
type RollbackError struct {
	LeftBehind []string
	Err        error
}

func (e *RollbackError) Error() string {
	return "could not delete what this create had made (" + strings.Join(e.LeftBehind, ", ") + "): " + e.Err.Error()
}

func (e *RollbackError) Unwrap() error { return e.Err }

func attachPolicies(ctx context.Context, api lakesail.IAMAPI, roleName string, arns []string) error {
	group, ctx := errgroup.WithContext(ctx)
	group.SetLimit(lakesail.IAMConcurrency)
	for _, policyARN := range arns {
		group.Go(func() error {
			_, err := api.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(roleName), PolicyArn: aws.String(policyARN)})
			return lakesail.Classify("iam:AttachRolePolicy", err)
		})
	}
	return group.Wait()
}
