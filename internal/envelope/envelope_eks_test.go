package envelope

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"
)

func eksOf(p principal) *eks.Client { return eks.NewFromConfig(p.cfg) }

// eksARN is the ARN of a cluster ("name"), node group or add-on ("cluster/name") or access entry
// ("cluster|principal"), as the root describes it.
func (w *world) eksARN(t *testing.T, kind, id string) string {
	t.Helper()
	api := eks.NewFromConfig(w.root)
	cluster, name, _ := strings.Cut(id, "/")
	switch kind {
	case "cluster":
		return aws.ToString(must1[*eks.DescribeClusterOutput](t)(api.DescribeCluster(bg, &eks.DescribeClusterInput{Name: aws.String(id)})).Cluster.Arn)
	case "nodegroup":
		return aws.ToString(must1[*eks.DescribeNodegroupOutput](t)(api.DescribeNodegroup(bg, &eks.DescribeNodegroupInput{ClusterName: aws.String(cluster), NodegroupName: aws.String(name)})).Nodegroup.NodegroupArn)
	case "addon":
		return aws.ToString(must1[*eks.DescribeAddonOutput](t)(api.DescribeAddon(bg, &eks.DescribeAddonInput{ClusterName: aws.String(cluster), AddonName: aws.String(name)})).Addon.AddonArn)
	}
	cluster, principalARN, _ := strings.Cut(id, "|")
	return aws.ToString(must1[*eks.DescribeAccessEntryOutput](t)(api.DescribeAccessEntry(bg, &eks.DescribeAccessEntryInput{ClusterName: aws.String(cluster), PrincipalArn: aws.String(principalARN)})).AccessEntry.AccessEntryArn)
}

// TestEnvelopeEKS: clusters, node groups, add-ons and access entries of the customer and of
// another connection.
func TestEnvelopeEKS(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	arns := map[string]string{}
	for kind, o := range map[string]owned{"cluster": w.clusters, "nodegroup": w.nodegroups, "addon": w.addons, "access-entry": w.accessEntries} {
		for _, tg := range o.foreign() {
			arns[tg.id] = w.eksARN(t, kind, tg.id)
		}
	}
	tag := func(p principal, id string) error {
		_, err := eksOf(p).TagResource(bg, &eks.TagResourceInput{ResourceArn: aws.String(arns[id]), Tags: map[string]string{tagKey: connID}})
		return err
	}
	tagAttacks := []attack{{"eks:TagResource", tag}, {"eks:UntagResource", func(p principal, id string) error {
		_, err := eksOf(p).UntagResource(bg, &eks.UntagResourceInput{ResourceArn: aws.String(arns[id]), TagKeys: []string{tagKey}})
		return err
	}}}
	split := func(id string) (string, string) { a, b, _ := strings.Cut(id, "/"); return a, b }
	nodeRole := "arn:aws:iam::" + w.account + ":role/" + w.roles.ours
	t.Run("clusters", func(t *testing.T) {
		w.runEnvelope(t, "cluster", w.clusters.foreign(), tag, append(tagAttacks,
			attack{"eks:CreateAccessEntry-for-connection-role", func(p principal, c string) error {
				_, err := eksOf(p).CreateAccessEntry(bg, &eks.CreateAccessEntryInput{ClusterName: aws.String(c), PrincipalArn: aws.String(w.conn.RoleARN)})
				return err
			}},
			attack{"eks:UpdateClusterConfig-logging-off", func(p principal, c string) error {
				_, err := eksOf(p).UpdateClusterConfig(bg, &eks.UpdateClusterConfigInput{Name: aws.String(c), Logging: &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{
					{Enabled: aws.Bool(false), Types: []ekstypes.LogType{ekstypes.LogTypeAudit}}}}})
				return err
			}},
			attack{"eks:UpdateClusterVersion", func(p principal, c string) error {
				_, err := eksOf(p).UpdateClusterVersion(bg, &eks.UpdateClusterVersionInput{Name: aws.String(c), Version: aws.String("1.33")})
				return err
			}},
			attack{"eks:CreateNodegroup", func(p principal, c string) error {
				_, err := eksOf(p).CreateNodegroup(bg, &eks.CreateNodegroupInput{ClusterName: aws.String(c), NodegroupName: aws.String("lakesail-" + connID + "-x"),
					NodeRole: aws.String(nodeRole), Subnets: []string{w.subnets.customer}, Tags: connTags(connID)})
				return err
			}},
			attack{"eks:CreateAddon", func(p principal, c string) error {
				_, err := eksOf(p).CreateAddon(bg, &eks.CreateAddonInput{ClusterName: aws.String(c), AddonName: aws.String("coredns"), Tags: connTags(connID)})
				return err
			}},
			attack{"eks:DeleteCluster", func(p principal, c string) error {
				_, err := eksOf(p).DeleteCluster(bg, &eks.DeleteClusterInput{Name: aws.String(c)})
				return err
			}},
		))
	})
	t.Run("nodegroups", func(t *testing.T) {
		w.runEnvelope(t, "nodegroup", w.nodegroups.foreign(), tag, append(tagAttacks,
			attack{"eks:UpdateNodegroupConfig", func(p principal, id string) error {
				c, n := split(id)
				_, err := eksOf(p).UpdateNodegroupConfig(bg, &eks.UpdateNodegroupConfigInput{ClusterName: aws.String(c), NodegroupName: aws.String(n),
					ScalingConfig: &ekstypes.NodegroupScalingConfig{MinSize: aws.Int32(0), DesiredSize: aws.Int32(0), MaxSize: aws.Int32(1)}})
				return err
			}},
			attack{"eks:DeleteNodegroup", func(p principal, id string) error {
				c, n := split(id)
				_, err := eksOf(p).DeleteNodegroup(bg, &eks.DeleteNodegroupInput{ClusterName: aws.String(c), NodegroupName: aws.String(n)})
				return err
			}},
		))
	})
	t.Run("addons", func(t *testing.T) {
		w.runEnvelope(t, "addon", w.addons.foreign(), tag, append(tagAttacks,
			attack{"eks:UpdateAddon", func(p principal, id string) error {
				c, n := split(id)
				_, err := eksOf(p).UpdateAddon(bg, &eks.UpdateAddonInput{ClusterName: aws.String(c), AddonName: aws.String(n), ServiceAccountRoleArn: aws.String(nodeRole)})
				return err
			}},
			attack{"eks:DeleteAddon", func(p principal, id string) error {
				c, n := split(id)
				_, err := eksOf(p).DeleteAddon(bg, &eks.DeleteAddonInput{ClusterName: aws.String(c), AddonName: aws.String(n)})
				return err
			}},
		))
	})
	t.Run("access-entries", func(t *testing.T) {
		entry := func(id string) (string, string) { a, b, _ := strings.Cut(id, "|"); return a, b }
		w.runEnvelope(t, "access-entry", w.accessEntries.foreign(), tag, append(tagAttacks,
			attack{"eks:AssociateAccessPolicy-cluster-admin", func(p principal, id string) error {
				c, pr := entry(id)
				_, err := eksOf(p).AssociateAccessPolicy(bg, &eks.AssociateAccessPolicyInput{ClusterName: aws.String(c), PrincipalArn: aws.String(pr),
					PolicyArn: aws.String("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"), AccessScope: &ekstypes.AccessScope{Type: ekstypes.AccessScopeTypeCluster}})
				return err
			}},
			attack{"eks:UpdateAccessEntry", func(p principal, id string) error {
				c, pr := entry(id)
				_, err := eksOf(p).UpdateAccessEntry(bg, &eks.UpdateAccessEntryInput{ClusterName: aws.String(c), PrincipalArn: aws.String(pr), KubernetesGroups: []string{"system:masters"}})
				return err
			}},
			attack{"eks:DeleteAccessEntry", func(p principal, id string) error {
				c, pr := entry(id)
				_, err := eksOf(p).DeleteAccessEntry(bg, &eks.DeleteAccessEntryInput{ClusterName: aws.String(c), PrincipalArn: aws.String(pr)})
				return err
			}},
		))
	})
}
