package eks_test

import (
	"errors"
	"regexp"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/lakehq/terraform-provider-lakesail/internal/authref"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu"
	"github.com/lakehq/terraform-provider-lakesail/internal/awsemu/emutest"
)

var (
	rePIAID  = regexp.MustCompile(`^a-[a-z0-9]{17}$`)
	rePIAARN = regexp.MustCompile(`^arn:aws:eks:us-east-1:` + awsemu.DefaultAccountID + `:podidentityassociation/pi/a-[a-z0-9]{17}$`)
)

// piCluster starts an emulator with an ACTIVE cluster "pi" and a role trusting EKS Pod Identity.
func piCluster(t *testing.T) (*awsemu.Emulator, *awsemu.Clock, *eks.Client, string) {
	t.Helper()
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("pi", role, net))
	app := emutest.PodIdentityRole(t, e, "app", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), "")
	return e, clock, c, app
}

func createPIA(c *eks.Client, in *eks.CreatePodIdentityAssociationInput) (*ekstypes.PodIdentityAssociation, error) {
	out, err := c.CreatePodIdentityAssociation(emutest.Bg, in)
	if err != nil {
		return nil, err
	}
	return out.Association, nil
}

func piaInput(namespace, sa, role string) *eks.CreatePodIdentityAssociationInput {
	return &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String("pi"), Namespace: aws.String(namespace),
		ServiceAccount: aws.String(sa), RoleArn: aws.String(role)}
}

// Create, describe, list (filters, pagination), update, tag and delete an association through
// the SDK, with the ids and ARNs AWS gives them.
func TestEmuEKSPodIdentityAssociationLifecycle(t *testing.T) {
	e, clock, c, app := piCluster(t)
	other := emutest.PodIdentityRole(t, e, "other", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), "")

	in := piaInput("prod", "api", app)
	in.Tags = map[string]string{"team": "blue"}
	a, err := createPIA(c, in)
	emutest.Must(t, err)
	if !rePIAID.MatchString(*a.AssociationId) || !rePIAARN.MatchString(*a.AssociationArn) || *a.AssociationArn != "arn:aws:eks:us-east-1:"+awsemu.DefaultAccountID+":podidentityassociation/pi/"+*a.AssociationId {
		t.Fatalf("association id %s, arn %s", *a.AssociationId, *a.AssociationArn)
	}
	if *a.ClusterName != "pi" || *a.Namespace != "prod" || *a.ServiceAccount != "api" || *a.RoleArn != app || a.Tags["team"] != "blue" ||
		!a.CreatedAt.Equal(clock.Now()) || !a.ModifiedAt.Equal(clock.Now()) || aws.ToBool(a.DisableSessionTags) {
		t.Fatalf("created association = %+v", a)
	}
	id := a.AssociationId

	d, err := c.DescribePodIdentityAssociation(emutest.Bg, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: id})
	emutest.Must(t, err)
	if *d.Association.AssociationArn != *a.AssociationArn || *d.Association.RoleArn != app {
		t.Fatalf("described = %+v", d.Association)
	}

	// Two more, in another namespace and for another service account: list filters and pages.
	_, err = createPIA(c, piaInput("dev", "api", app))
	emutest.Must(t, err)
	_, err = createPIA(c, piaInput("prod", "worker", other))
	emutest.Must(t, err)
	list := func(in *eks.ListPodIdentityAssociationsInput) []ekstypes.PodIdentityAssociationSummary {
		t.Helper()
		in.ClusterName = aws.String("pi")
		var all []ekstypes.PodIdentityAssociationSummary
		p := eks.NewListPodIdentityAssociationsPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(emutest.Bg)
			emutest.Must(t, err)
			all = append(all, page.Associations...)
		}
		return all
	}
	if got := list(&eks.ListPodIdentityAssociationsInput{MaxResults: aws.Int32(2)}); len(got) != 3 || *got[0].AssociationId != *id {
		t.Fatalf("list = %+v", got)
	}
	if got := list(&eks.ListPodIdentityAssociationsInput{Namespace: aws.String("prod")}); len(got) != 2 {
		t.Fatalf("list namespace=prod = %+v", got)
	}
	got := list(&eks.ListPodIdentityAssociationsInput{Namespace: aws.String("prod"), ServiceAccount: aws.String("api")})
	if len(got) != 1 || *got[0].AssociationId != *id || *got[0].ClusterName != "pi" || *got[0].AssociationArn != *a.AssociationArn {
		t.Fatalf("list prod/api = %+v", got)
	}
	_, err = c.ListPodIdentityAssociations(emutest.Bg, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("pi"), NextToken: aws.String("bogus")})
	emutest.WantCode(t, err, "InvalidParameterException")

	clock.Advance(emutest.EksTestDelay)
	u, err := c.UpdatePodIdentityAssociation(emutest.Bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: id, RoleArn: aws.String(other)})
	emutest.Must(t, err)
	if *u.Association.RoleArn != other || !u.Association.ModifiedAt.Equal(clock.Now()) || u.Association.CreatedAt.Equal(clock.Now()) {
		t.Fatalf("updated = %+v", u.Association)
	}

	// Tags on the association ARN, as on the other EKS resources.
	arn := a.AssociationArn
	_, err = c.TagResource(emutest.Bg, &eks.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"env": "prod"}})
	emutest.Must(t, err)
	_, err = c.UntagResource(emutest.Bg, &eks.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team"}})
	emutest.Must(t, err)
	tags, err := c.ListTagsForResource(emutest.Bg, &eks.ListTagsForResourceInput{ResourceArn: arn})
	emutest.Must(t, err)
	if len(tags.Tags) != 1 || tags.Tags["env"] != "prod" {
		t.Fatalf("tags = %v", tags.Tags)
	}
	_, err = c.TagResource(emutest.Bg, &eks.TagResourceInput{ResourceArn: arn, Tags: map[string]string{"aws:x": "y"}})
	emutest.WantCode(t, err, "BadRequestException")
	_, err = c.ListTagsForResource(emutest.Bg, &eks.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:eks:us-east-1:" + awsemu.DefaultAccountID + ":podidentityassociation/pi/a-00000000000000000")})
	emutest.WantCode(t, err, "NotFoundException")
	// The cluster's own tags are still served by the tagging operations.
	_, err = c.TagResource(emutest.Bg, &eks.TagResourceInput{ResourceArn: aws.String("arn:aws:eks:us-east-1:" + awsemu.DefaultAccountID + ":cluster/pi"), Tags: map[string]string{"k": "v"}})
	emutest.Must(t, err)

	del, err := c.DeletePodIdentityAssociation(emutest.Bg, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: id})
	emutest.Must(t, err)
	if *del.Association.AssociationId != *id {
		t.Fatalf("deleted = %+v", del.Association)
	}
	_, err = c.DescribePodIdentityAssociation(emutest.Bg, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: id})
	var nf *ekstypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("describe after delete: %v", err)
	}
	_, err = c.DeletePodIdentityAssociation(emutest.Bg, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: id})
	emutest.WantCode(t, err, "ResourceNotFoundException")
	if got := list(&eks.ListPodIdentityAssociationsInput{}); len(got) != 2 {
		t.Fatalf("list after delete = %+v", got)
	}
}

// What EKS refuses: a missing cluster, a second association for a service account (409, naming
// the existing one, unless it is a retry with the same client request token), a role the account
// does not have, missing fields and reserved tag keys.
func TestEmuEKSPodIdentityAssociationValidation(t *testing.T) {
	_, _, c, app := piCluster(t)

	in := piaInput("prod", "api", app)
	in.ClusterName = aws.String("missing")
	_, err := createPIA(c, in)
	emutest.WantCode(t, err, "ResourceNotFoundException")

	in = piaInput("prod", "api", app)
	in.ClientRequestToken = aws.String("token-1")
	a, err := createPIA(c, in)
	emutest.Must(t, err)
	again, err := createPIA(c, in)
	emutest.Must(t, err)
	if *again.AssociationId != *a.AssociationId {
		t.Fatalf("retry made %s, first %s", *again.AssociationId, *a.AssociationId)
	}
	_, err = createPIA(c, piaInput("prod", "api", app))
	var inUse *ekstypes.ResourceInUseException
	var re *awshttp.ResponseError
	if !errors.As(err, &inUse) || !errors.As(err, &re) || re.HTTPStatusCode() != 409 {
		t.Fatalf("second association: %v", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "Association already exists: "+*a.AssociationId)

	_, err = createPIA(c, piaInput("prod", "worker", "arn:aws:iam::"+awsemu.DefaultAccountID+":role/nope"))
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = createPIA(c, piaInput("prod", "worker", "arn:aws:iam::210987654321:role/app"))
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = createPIA(c, piaInput("", "worker", app))
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = createPIA(c, piaInput("prod", "", app))
	emutest.WantCode(t, err, "InvalidParameterException")
	in = piaInput("prod", "worker", app)
	in.Tags = map[string]string{"aws:reserved": "x"}
	_, err = createPIA(c, in)
	emutest.WantCode(t, err, "InvalidParameterException")

	_, err = c.UpdatePodIdentityAssociation(emutest.Bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: a.AssociationId,
		RoleArn: aws.String("arn:aws:iam::" + awsemu.DefaultAccountID + ":role/nope")})
	emutest.WantCode(t, err, "InvalidParameterException")
	_, err = c.UpdatePodIdentityAssociation(emutest.Bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: aws.String("a-00000000000000000"),
		RoleArn: aws.String(app)})
	emutest.WantCode(t, err, "ResourceNotFoundException")
}

// Associations go with their cluster: a cluster deleted and created again under the same name
// has none.
func TestEmuEKSPodIdentityAssociationsGoWithTheCluster(t *testing.T) {
	e, clock := emutest.NewTestEmu(t, awsemu.Options{TransitionDelay: emutest.EksTestDelay})
	role, _, net := emutest.EksFixture(t, e)
	c := emutest.EksClient(e, e.RootCredentials())
	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("pi", role, net))
	app := emutest.PodIdentityRole(t, e, "app", emutest.PodIdentityTrust("sts:AssumeRole", "sts:TagSession"), "")
	_, err := createPIA(c, piaInput("prod", "api", app))
	emutest.Must(t, err)
	_, err = c.DeleteCluster(emutest.Bg, &eks.DeleteClusterInput{Name: aws.String("pi")})
	emutest.Must(t, err)
	clock.Advance(emutest.EksTestDelay)
	_, err = c.ListPodIdentityAssociations(emutest.Bg, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("pi")})
	emutest.WantCode(t, err, "ResourceNotFoundException")

	emutest.EksUpCluster(t, c, clock, emutest.EksClusterInput("pi", role, net))
	out, err := c.ListPodIdentityAssociations(emutest.Bg, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("pi")})
	emutest.Must(t, err)
	if len(out.Associations) != 0 {
		t.Fatalf("recreated cluster has associations %+v", out.Associations)
	}
}

// Authorization as the SAR has it, plus iam:PassRole to pods.eks.amazonaws.com on create and
// update (the EKS User Guide: "The IAM principal that is creating the association must have
// iam:PassRole"); tag conditions on create and on the association; every resource the calls are
// authorized on is an ARN of a resource type the SAR lists for the action.
func TestEmuEKSPodIdentityAssociationAuthorization(t *testing.T) {
	e, _, _, app := piCluster(t)
	var mu sync.Mutex
	var questions []awsemu.AuthQuestion
	e.OnAuthorize(func(q awsemu.AuthQuestion) {
		mu.Lock()
		defer mu.Unlock()
		questions = append(questions, q)
	})

	noPass := emutest.EksSession(t, e, "no-pass", emutest.Doc(emutest.Allow("eks:*", "*")))
	_, err := createPIA(noPass, piaInput("prod", "api", app))
	var denied *ekstypes.AccessDeniedException
	var re *awshttp.ResponseError
	if !errors.As(err, &denied) || !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("create without PassRole: %v", err)
	}
	emutest.WantContains(t, emutest.ErrMessage(err), "is not authorized to perform: iam:PassRole on resource: "+app)

	passTo := func(service string) emutest.Stmt {
		return emutest.Stmt{Effect: "Allow", Action: "iam:PassRole", Resource: app,
			Condition: map[string]any{"StringEquals": map[string]any{"iam:PassedToService": service}}}
	}
	toEKS := emutest.EksSession(t, e, "pass-to-eks", emutest.Doc(emutest.Allow("eks:*", "*"), passTo("eks.amazonaws.com")))
	_, err = createPIA(toEKS, piaInput("prod", "api", app))
	emutest.WantCode(t, err, "AccessDeniedException")
	toPods := emutest.EksSession(t, e, "pass-to-pods", emutest.Doc(emutest.Allow("eks:*", "*"), passTo("pods.eks.amazonaws.com")))
	a, err := createPIA(toPods, piaInput("prod", "api", app))
	emutest.Must(t, err)

	// Updating the role passes it again.
	_, err = noPass.UpdatePodIdentityAssociation(emutest.Bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: a.AssociationId, RoleArn: aws.String(app)})
	emutest.WantCode(t, err, "AccessDeniedException")
	_, err = toPods.UpdatePodIdentityAssociation(emutest.Bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: a.AssociationId, RoleArn: aws.String(app)})
	emutest.Must(t, err)

	// Tags: creating with tags needs aws:RequestTag to fit and eks:TagResource; describing needs
	// the association's aws:ResourceTag to fit.
	blue := map[string]any{"StringEquals": map[string]any{"aws:RequestTag/team": "blue"}}
	owned := map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}}
	s := emutest.EksSession(t, e, "blue-team", emutest.Doc(
		emutest.Stmt{Effect: "Allow", Action: "eks:CreatePodIdentityAssociation", Resource: "arn:aws:eks:*:*:cluster/pi", Condition: blue},
		emutest.Stmt{Effect: "Allow", Action: "eks:TagResource", Resource: "arn:aws:eks:*:*:podidentityassociation/pi/*", Condition: blue},
		emutest.Stmt{Effect: "Allow", Action: []string{"eks:DescribePodIdentityAssociation", "eks:DeletePodIdentityAssociation"}, Resource: "*", Condition: owned},
		emutest.Allow("iam:PassRole", app)))
	in := piaInput("blue", "api", app)
	_, err = createPIA(s, in) // no tags: aws:RequestTag/team is absent
	emutest.WantCode(t, err, "AccessDeniedException")
	in.Tags = map[string]string{"team": "red"}
	_, err = createPIA(s, in)
	emutest.WantCode(t, err, "AccessDeniedException")
	in.Tags = map[string]string{"team": "blue"}
	mine, err := createPIA(s, in)
	emutest.Must(t, err)
	_, err = s.DescribePodIdentityAssociation(emutest.Bg, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: mine.AssociationId})
	emutest.Must(t, err)
	_, err = s.DescribePodIdentityAssociation(emutest.Bg, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: a.AssociationId})
	emutest.WantCode(t, err, "AccessDeniedException")
	emutest.WantContains(t, emutest.ErrMessage(err), "eks:DescribePodIdentityAssociation on resource: "+*a.AssociationArn)
	_, err = s.ListPodIdentityAssociations(emutest.Bg, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String("pi")})
	emutest.WantContains(t, emutest.ErrMessage(err), "eks:ListPodIdentityAssociations on resource: arn:aws:eks:us-east-1:"+awsemu.DefaultAccountID+":cluster/pi")
	_, err = s.DeletePodIdentityAssociation(emutest.Bg, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String("pi"), AssociationId: mine.AssociationId})
	emutest.Must(t, err)

	mu.Lock()
	defer mu.Unlock()
	checked := 0
	for _, q := range questions {
		if q.Service != "eks" {
			continue
		}
		for _, ch := range q.Checks {
			for _, res := range ch.Resources {
				if _, ok := authref.ResourceTypeOf(ch.Action, res); !ok {
					t.Errorf("%s authorizes %s on %s, an ARN of none of the SAR's resource types for it", q.Operation, ch.Action, res)
				}
				checked++
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d authorization checks seen", checked)
	}
}
