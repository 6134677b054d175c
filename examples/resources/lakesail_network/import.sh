# Import by <connection_id>/<network_id> when the connection role has its default name
# (lakesail-<connection_id>-LakeSailRole) in the provider's account; the external ID is read from
# the role's trust policy, and every other argument from AWS (a brought VPC is found by its
# LakeSail-Network tag) ...
terraform import lakesail_network.main AB12CD34EF/NT12AB34CD
# ... or add the connection role's ARN.
terraform import lakesail_network.main AB12CD34EF/NT12AB34CD/arn:aws:iam::111122223333:role/my-lakesail-role
