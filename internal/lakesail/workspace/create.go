package workspace

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"golang.org/x/sync/errgroup"

	"github.com/lakehq/terraform-provider-lakesail/internal/lakesail"
)

// Record is what a workspace's state must remember because AWS chooses it: the
// certificate's ARN and the OIDC provider's ARN (which outlives the cluster's issuer).
type Record struct {
	CertificateARN  string
	OIDCProviderARN string
}

// Workspace is what AWS has for a workspace. Attributes of objects outside the security
// envelope (a workload role without WorkloadBoundary or with a widened trust) are left empty,
// so a caller that compares them with the expected values sees a change to apply.
type Workspace struct {
	ID                   string
	ClusterName          string
	ClusterARN           string
	ClusterStatus        string
	Endpoint             string
	CertificateAuthority string
	OIDCIssuerURL        string
	OIDCProviderARN      string
	ClusterRoleARN       string
	NodeRoleARN          string
	WorkloadRoleARNs     map[string]string
	LogGroupName         string
	LogRetentionDays     int
	// LaunchTemplateName is the system node group's launch template, empty when it is gone, is
	// not the version the node group runs, or launches anything but the spec's nodes (so a
	// caller comparing it with Spec.LaunchTemplateName sees a change to apply).
	LaunchTemplateName string
	CertificateARN     string
	// SessionLoadBalancer is the session load balancer as found (see load_balancer.go).
	SessionLoadBalancer *SessionLoadBalancer
	// Karpenter is what a read found of the Karpenter objects (nil when the spec has it off and
	// nothing of it is left).
	Karpenter *KarpenterState
	// CertificateNotAfter is when the session certificate expires (zero when it is gone).
	CertificateNotAfter time.Time
	SSMParameterNames   []string
	GlueDatabaseNames   []string
	// Network is what the cluster runs in, as EKS reports it (BucketName is the spec's).
	Network Network
	// AdminAccessLost says the connection role's access entry or its admin policy is gone.
	AdminAccessLost bool
	// ImportedGlueDatabases are the catalogs an import found (the spec had none to give).
	ImportedGlueDatabases []string
	// ImportedKarpenter is the Karpenter an import found (nil when the workspace runs none): on
	// when the network's security group carries the discovery tag, with the settings parameter's
	// instance families and CPU limit (the defaults when the parameter is gone).
	ImportedKarpenter *KarpenterSpec

	KubernetesVersion    string
	EndpointPublicAccess bool
	PublicAccessCIDRs    []string
	LogTypes             []string
	// SystemNodeGroup is nil when the node group is gone.
	SystemNodeGroup *NodeGroupSpec
	// Addons are the spec's add-ons that exist, with their versions.
	Addons map[string]AddonState
	// WorkloadIdentity is how the workspace's pods become their roles, WorkloadIdentityIRSA or
	// WorkloadIdentityPodIdentity: the spec's, or for an import the one found (Pod Identity when
	// the workload service accounts have associations). With Pod Identity, a role whose
	// association is missing or names another role, or every role when the agent add-on is gone,
	// is left out of WorkloadRoleARNs.
	WorkloadIdentity string
	// PodIdentityAssociations are the Pod Identity associations' ARNs by purpose, of those that
	// name the purpose's role (Pod Identity only).
	PodIdentityAssociations map[string]string
	// agent is the Pod Identity agent add-on when the spec runs it without listing it.
	agent                *AddonState
	podIdentityAgentRuns bool
	agentARN             string
	agentTags            map[string]string
	// Tags are the cluster's tags.
	Tags map[string]string
	// Drift describes, in words, every difference from the spec.
	Drift []string
	// AccountActions are what the update that returned the workspace left to the account's own
	// credentials because the spec's AccountClient has none: a session certificate replaced
	// without them stays in the account until deleted.
	AccountActions []lakesail.AccountAction
}

// AddonState is an add-on's version and configuration, and the newest version for the
// cluster's Kubernetes version (what AddonLatest means now).
type AddonState struct {
	Version       string
	Latest        string
	Configuration string
}

// Record is what the caller must keep for later reads, updates and deletes.
func (w *Workspace) Record() Record {
	return Record{CertificateARN: w.CertificateARN, OIDCProviderARN: w.OIDCProviderARN}
}

// progress collects what a create or update made, so that a failure still reports it, and
// what it left to the account's own credentials.
type progress struct {
	mu      sync.Mutex
	rec     Record
	actions []lakesail.AccountAction
}

func (p *progress) leave(action lakesail.AccountAction) {
	p.mu.Lock()
	p.actions = append(p.actions, action)
	p.mu.Unlock()
}

func (p *progress) left() []lakesail.AccountAction {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.actions)
}

func (p *progress) set(f func(*Record)) {
	p.mu.Lock()
	f(&p.rec)
	p.mu.Unlock()
}

func (p *progress) record() Record {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rec
}

// Progress is what a failed create or update had made, carried by its error (read it
// with RecordOf): Record holds what AWS chose for the objects already made, so that the caller can
// record them and a later delete removes them; AccountActions are what a failed update had already
// left to the account's own credentials (see Workspace).
type Progress struct {
	Record         Record
	AccountActions []lakesail.AccountAction
}

// Create builds a workspace, acting as the connection role. onStarted runs before the
// first AWS call, so the caller records the workspace (its names follow from the spec) and a
// delete can always clean up after a failure. A failure after that carries a WorkspaceProgress (see RecordOf).
func (c *Client) Create(ctx context.Context, s Spec, onStarted func()) (*Workspace, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if onStarted != nil {
		onStarted()
	}
	p := &progress{}
	if err := c.createWorkspace(ctx, s, p); err != nil {
		return nil, lakesail.WithRecord(err, Progress{Record: p.record()})
	}
	ws, err := c.Read(ctx, s, p.record())
	if err != nil {
		return nil, lakesail.WithRecord(err, Progress{Record: p.record()})
	}
	return ws, nil
}

func (c *Client) createWorkspace(ctx context.Context, s Spec, p *progress) error {
	c.Log(ctx, "creating workspace", map[string]any{"workspace": s.ID(), "cluster": s.ClusterName()})
	// The log group first, so EKS finds it and never makes an untagged, unencrypted one.
	if err := c.ensureLogGroup(ctx, s); err != nil {
		return err
	}
	// Branches are not cancelled when one fails: a cancelled call may still land in AWS after the
	// caller gave up on it, and a delete right after would miss what it made.
	var group errgroup.Group
	for _, r := range s.baseRoles() {
		group.Go(func() error { return c.ensureRole(ctx, s, r) })
	}
	if s.Karpenter.Enabled {
		// The instance profile after its role.
		group.Go(func() error {
			if err := c.ensureRole(ctx, s, s.karpenterNodeRole()); err != nil {
				return err
			}
			return c.ensureInstanceProfile(ctx, s)
		})
	}
	// The node group's launch template needs only the network: made alongside the roles.
	var template *nodeTemplate
	group.Go(func() (err error) {
		template, err = c.ensureLaunchTemplate(ctx, s)
		return err
	})
	if err := group.Wait(); err != nil {
		return err
	}
	cluster, err := c.createCluster(ctx, s)
	if err != nil {
		return err
	}
	issuer, clusterARN := cluster.issuer, aws.ToString(cluster.raw.Arn)
	p.set(func(r *Record) { r.OIDCProviderARN = s.OIDCProviderARN(issuer) })

	gctx := ctx
	group = errgroup.Group{}
	group.Go(func() error {
		if err := c.ensureOIDCProvider(gctx, s, issuer); err != nil {
			return err
		}
		for _, r := range s.workloadRoles(issuer, clusterARN) {
			if err := c.ensureRole(gctx, s, r); err != nil {
				return err
			}
		}
		if s.PodIdentity() {
			return c.ensureAssociations(gctx, s)
		}
		return nil
	})
	group.Go(func() error {
		if err := c.ensureNodeGroup(gctx, s, template); err != nil {
			return err
		}
		return c.ensureAddons(gctx, s, s.KubernetesVersion, nil)
	})
	group.Go(func() error {
		if err := c.installTLS(gctx, s, p, ""); err != nil {
			return err
		}
		return c.ensureSessionLoadBalancer(gctx, s, p.record().CertificateARN)
	})
	group.Go(func() error { return c.ensureGlueDatabases(gctx, s, nil) })
	group.Go(func() error { return c.tagSubnets(gctx, s) })
	if s.Karpenter.Enabled {
		endpoint := aws.ToString(cluster.raw.Endpoint)
		group.Go(func() error { return c.ensureKarpenterInCluster(gctx, s, endpoint) })
	}
	if err := group.Wait(); err != nil {
		return err
	}
	c.Log(ctx, "workspace created", map[string]any{"workspace": s.ID()})
	return nil
}

// installTLS generates the Konnectivity and session material, stores it in SSM and imports the
// session certificate into ACM. With certificateARN (a rotation) the certificate is re-imported
// in place, keeping the ARN listeners use; only the account may re-import (the role's imports
// must carry tags, which a re-import cannot), so without the account's own credentials a new
// certificate is imported through the role and the old one is left to the account (p.leave).
func (c *Client) installTLS(ctx context.Context, s Spec, p *progress, certificateARN string) error {
	material, err := newWorkspaceTLS(s, c.Now())
	if err != nil {
		return fmt.Errorf("generating the workspace's TLS material: %w", err)
	}
	if err := c.putParameters(ctx, s, material.parameters()); err != nil {
		return err
	}
	var replaced *lakesail.AccountAction
	if certificateARN != "" {
		done, left, err := c.reimportCertificate(ctx, s, material, certificateARN)
		if err != nil || done {
			return err
		}
		replaced = left
	}
	arn, err := c.importCertificate(ctx, s, material)
	if err != nil {
		return err
	}
	p.set(func(r *Record) { r.CertificateARN = arn })
	if replaced != nil {
		replaced.Action = "delete it: the workspace now uses " + arn + " (re-importing in place needs the account's own credentials)"
		p.leave(*replaced)
	}
	return nil
}

// reimportCertificate re-imports the workspace's certificate certificateARN with the account's
// own credentials, once it is shown to be the workspace's session certificate. done is false when
// it was not re-imported: left is then the old certificate when the account's credentials were
// missing, or nil when it is not the workspace's (it is not touched, nor named).
func (c *Client) reimportCertificate(ctx context.Context, s Spec, material *workspaceTLS, certificateARN string) (done bool, left *lakesail.AccountAction, err error) {
	api, ok, err := lakesail.NewOwnerAccess(s.AccountClient, s.AccountID).ACM(ctx)
	if err != nil {
		return false, nil, err
	}
	if !ok {
		// Named only when it is the workspace's (read as the role, which just read it).
		if mine, err := c.isSessionCertificate(ctx, c.ACM(), s, certificateARN); err != nil || !mine {
			return false, nil, err
		}
		return false, &lakesail.AccountAction{Object: "ACM certificate " + certificateARN + " (" + s.sessionDomain() + ")",
			Command: "aws acm delete-certificate --certificate-arn " + certificateARN}, nil
	}
	mine, err := c.isSessionCertificate(ctx, api, s, certificateARN)
	if err != nil || !mine {
		return false, nil, err
	}
	_, err = api.ImportCertificate(ctx, &acm.ImportCertificateInput{
		CertificateArn:   aws.String(certificateARN),
		Certificate:      []byte(material.Session.Cert),
		PrivateKey:       []byte(material.Session.Key),
		CertificateChain: []byte(material.CA.Cert),
	})
	if err := lakesail.Classify("acm:ImportCertificate", err); err != nil {
		return false, nil, err
	}
	return true, nil, nil
}

// retryWhilePropagating retries call while IAM has not caught up with new roles, within the
// propagation window.
func (c *Client) retryWhilePropagating(ctx context.Context, what string, propagating func(error) bool, call func() error) error {
	opts := c.PropagationWaits()
	opts.OnRetry = func(err error) {
		c.Log(ctx, what+": waiting for IAM to propagate the new role", map[string]any{"error": err.Error()})
	}
	err := lakesail.RetryWhen(ctx, opts, propagating, call)
	var stopped *lakesail.RetryStopped
	if errors.As(err, &stopped) {
		if stopped.Cause != nil {
			return errors.Join(stopped.Last, stopped.Cause)
		}
		return stopped.Last
	}
	return err
}
