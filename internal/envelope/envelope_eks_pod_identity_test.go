package envelope

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
)

// TestEnvelopePodIdentity: EKS Pod Identity associations. No principal may associate a role of
// the customer or of another connection with the connection's cluster (iam:PassRole reaches only
// the connection's roles, and only to pods.eks.amazonaws.com), associate the connection's role
// with a cluster of the customer or of another connection, nor change, tag or delete their
// associations; the connection role can associate its own workload role with its own cluster.
func TestEnvelopePodIdentity(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	root := eks.NewFromConfig(w.root)
	ourRole := w.ws.WorkloadRoleARNs["storage"]
	if ourRole == "" {
		t.Fatal("the workspace has no storage role")
	}
	roleARN := func(name string) string { return "arn:aws:iam::" + w.account + ":role/" + name }

	// An association on the customer's cluster and one on the other connection's, made by the root.
	associations := owned{}
	arns := map[string]string{}
	for _, a := range []struct {
		cluster, role string
		into          *string
	}{{w.clusters.customer, w.roles.customer, &associations.customer}, {w.clusters.other, w.roles.other, &associations.other}} {
		out := must1[*eks.CreatePodIdentityAssociationOutput](t)(root.CreatePodIdentityAssociation(bg, &eks.CreatePodIdentityAssociationInput{
			ClusterName: aws.String(a.cluster), Namespace: aws.String("apps"), ServiceAccount: aws.String("worker"), RoleArn: aws.String(roleARN(a.role))}))
		*a.into = a.cluster + "/" + aws.ToString(out.Association.AssociationId)
		arns[*a.into] = aws.ToString(out.Association.AssociationArn)
	}
	split := func(id string) (string, string) { a, b, _ := strings.Cut(id, "/"); return a, b }

	t.Run("foreign-roles-on-our-cluster", func(t *testing.T) {
		w.runEnvelope(t, "role", w.roles.foreign(), nil, []attack{
			{"eks:CreatePodIdentityAssociation-foreign-role-on-our-cluster", func(p principal, role string) error {
				_, err := eksOf(p).CreatePodIdentityAssociation(bg, &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(w.clusters.ours),
					Namespace: aws.String("lakesail"), ServiceAccount: aws.String("intruder"), RoleArn: aws.String(roleARN(role)), Tags: connTags(connID)})
				return err
			}},
		})
	})
	clusterARNs := map[string]string{}
	for _, tg := range w.clusters.foreign() {
		clusterARNs[tg.id] = w.eksARN(t, "cluster", tg.id)
	}
	t.Run("our-role-on-foreign-clusters", func(t *testing.T) {
		tagCluster := func(p principal, c string) error {
			_, err := eksOf(p).TagResource(bg, &eks.TagResourceInput{ResourceArn: aws.String(clusterARNs[c]), Tags: map[string]string{tagKey: connID}})
			return err
		}
		w.runEnvelope(t, "cluster", w.clusters.foreign(), tagCluster, []attack{
			{"eks:CreatePodIdentityAssociation-our-role", func(p principal, c string) error {
				_, err := eksOf(p).CreatePodIdentityAssociation(bg, &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(c),
					Namespace: aws.String("apps"), ServiceAccount: aws.String("lakesail"), RoleArn: aws.String(ourRole), Tags: connTags(connID)})
				return err
			}},
			{"eks:ListPodIdentityAssociations", func(p principal, c string) error {
				_, err := eksOf(p).ListPodIdentityAssociations(bg, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(c)})
				return err
			}},
		})
	})
	t.Run("foreign-associations", func(t *testing.T) {
		tag := func(p principal, id string) error {
			_, err := eksOf(p).TagResource(bg, &eks.TagResourceInput{ResourceArn: aws.String(arns[id]), Tags: map[string]string{tagKey: connID}})
			return err
		}
		w.runEnvelope(t, "pod-identity-association", associations.foreign(), tag, []attack{
			{"eks:TagResource", tag},
			{"eks:UntagResource", func(p principal, id string) error {
				_, err := eksOf(p).UntagResource(bg, &eks.UntagResourceInput{ResourceArn: aws.String(arns[id]), TagKeys: []string{tagKey}})
				return err
			}},
			{"eks:UpdatePodIdentityAssociation-to-our-role", func(p principal, id string) error {
				c, a := split(id)
				_, err := eksOf(p).UpdatePodIdentityAssociation(bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String(c),
					AssociationId: aws.String(a), RoleArn: aws.String(ourRole)})
				return err
			}},
			{"eks:DeletePodIdentityAssociation", func(p principal, id string) error {
				c, a := split(id)
				_, err := eksOf(p).DeletePodIdentityAssociation(bg, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(c), AssociationId: aws.String(a)})
				return err
			}},
		})
	})

	// Positive controls: the connection role associates its workload role with its cluster, reads,
	// re-points, tags and deletes the association.
	t.Run("positive-controls", func(t *testing.T) {
		c := w.connection
		out, err := eksOf(c).CreatePodIdentityAssociation(bg, &eks.CreatePodIdentityAssociationInput{ClusterName: aws.String(w.clusters.ours),
			Namespace: aws.String("lakesail"), ServiceAccount: aws.String("sail-worker"), RoleArn: aws.String(ourRole), Tags: connTags(connID)})
		w.wantAllowed(t, c, "eks:CreatePodIdentityAssociation of our role on our cluster", err)
		if err != nil {
			return
		}
		id := out.Association.AssociationId
		_, err = eksOf(c).ListPodIdentityAssociations(bg, &eks.ListPodIdentityAssociationsInput{ClusterName: aws.String(w.clusters.ours)})
		w.wantAllowed(t, c, "eks:ListPodIdentityAssociations on our cluster", err)
		_, err = eksOf(c).DescribePodIdentityAssociation(bg, &eks.DescribePodIdentityAssociationInput{ClusterName: aws.String(w.clusters.ours), AssociationId: id})
		w.wantAllowed(t, c, "eks:DescribePodIdentityAssociation of our association", err)
		_, err = eksOf(c).UpdatePodIdentityAssociation(bg, &eks.UpdatePodIdentityAssociationInput{ClusterName: aws.String(w.clusters.ours), AssociationId: id,
			RoleArn: aws.String(w.ws.WorkloadRoleARNs["logging"])})
		w.wantAllowed(t, c, "eks:UpdatePodIdentityAssociation to our other workload role", err)
		_, err = eksOf(c).TagResource(bg, &eks.TagResourceInput{ResourceArn: out.Association.AssociationArn, Tags: map[string]string{"team": "data"}})
		w.wantAllowed(t, c, "eks:TagResource on our association", err)
		_, err = eksOf(c).DeletePodIdentityAssociation(bg, &eks.DeletePodIdentityAssociationInput{ClusterName: aws.String(w.clusters.ours), AssociationId: id})
		w.wantAllowed(t, c, "eks:DeletePodIdentityAssociation of our association", err)
	})
}
