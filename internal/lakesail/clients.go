package lakesail

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// clientSet is the SDK clients of one aws.Config and one set of endpoint overrides, each built on
// first use and then shared, so a client's retryer (and its retry token bucket) spans every call
// made with those credentials. A Client copy that keeps cfg and the endpoints shares its set
// (WithWaitDelays); one with other credentials gets its own (AssumeRole).
type clientSet struct {
	cfg       aws.Config
	endpoints Options // only Endpoints is read: the builders take Options

	iam  lazy[*iam.Client]
	sts  lazy[*sts.Client]
	eks  lazy[*eks.Client]
	logs lazy[*cloudwatchlogs.Client]
	ssm  lazy[*ssm.Client]
	acm  lazy[*acm.Client]
	glue lazy[*glue.Client]
	ec2  lazy[*ec2.Client]
	kms  lazy[*kms.Client]
	s3   lazy[*s3.Client]
	elb  lazy[*elasticloadbalancingv2.Client]

	eksRegionsMu sync.Mutex
	eksRegions   map[string]*eks.Client // EKS in regions other than cfg's (clusterIssuers)
}

func newClientSet(cfg aws.Config, opts Options) *clientSet {
	return &clientSet{cfg: cfg, endpoints: Options{Endpoints: opts.Endpoints}}
}

// lazy is a value built once, on first use, safely across goroutines.
type lazy[T any] struct {
	once  sync.Once
	value T
}

func (l *lazy[T]) get(build func() T) T {
	l.once.Do(func() { l.value = build() })
	return l.value
}

func (c *Client) IAM() IAMAPI {
	s := c.clients
	return s.iam.get(func() *iam.Client { return iamClient(s.cfg, s.endpoints) })
}

func (c *Client) STS() stsAPI {
	s := c.clients
	return s.sts.get(func() *sts.Client { return stsClient(s.cfg, s.endpoints) })
}

func (c *Client) EKS() eksAPI {
	s := c.clients
	return s.eks.get(func() *eks.Client { return eksClient(s.cfg, s.endpoints) })
}

// eksIn is the EKS client of region, which may differ from the client's own region.
func (c *Client) EKSIn(region string) eksAPI {
	s := c.clients
	if region == s.cfg.Region {
		return c.EKS()
	}
	s.eksRegionsMu.Lock()
	defer s.eksRegionsMu.Unlock()
	if api, ok := s.eksRegions[region]; ok {
		return api
	}
	cfg := s.cfg.Copy()
	cfg.Region = region
	api := eksClient(cfg, s.endpoints)
	if s.eksRegions == nil {
		s.eksRegions = map[string]*eks.Client{}
	}
	s.eksRegions[region] = api
	return api
}

func (c *Client) Logs() logsAPI {
	s := c.clients
	return s.logs.get(func() *cloudwatchlogs.Client { return logsClient(s.cfg, s.endpoints) })
}

func (c *Client) SSM() ssmAPI {
	s := c.clients
	return s.ssm.get(func() *ssm.Client { return ssmClient(s.cfg, s.endpoints) })
}

func (c *Client) ACM() ACMAPI {
	s := c.clients
	return s.acm.get(func() *acm.Client { return acmClient(s.cfg, s.endpoints) })
}

func (c *Client) Glue() glueAPI {
	s := c.clients
	return s.glue.get(func() *glue.Client { return glueClient(s.cfg, s.endpoints) })
}

func (c *Client) EC2() EC2API {
	s := c.clients
	return s.ec2.get(func() *ec2.Client { return ec2Client(s.cfg, s.endpoints) })
}

func (c *Client) KMS() KMSAPI {
	s := c.clients
	return s.kms.get(func() *kms.Client { return kmsClient(s.cfg, s.endpoints) })
}

func (c *Client) S3() S3API {
	s := c.clients
	return s.s3.get(func() *s3.Client { return s3Client(s.cfg, s.endpoints) })
}

// ELB is Elastic Load Balancing (v2): the workspace's session load balancer.
func (c *Client) ELB() ELBAPI {
	s := c.clients
	return s.elb.get(func() *elasticloadbalancingv2.Client { return elbClient(s.cfg, s.endpoints) })
}
