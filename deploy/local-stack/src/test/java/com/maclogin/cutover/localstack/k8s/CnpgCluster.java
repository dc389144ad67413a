package com.maclogin.cutover.localstack.k8s;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;

/**
 * A strict model of the CloudNativePG {@code Cluster} ({@code postgresql.cnpg.io/v1}) fields that
 * {@code deploy/k8s/postgres/cluster.yaml} uses, named as in CloudNativePG's API reference ({@code ClusterSpec},
 * {@code PostgresConfiguration.synchronous}, {@code BootstrapInitDB}, {@code ManagedConfiguration.roles},
 * {@code RoleConfiguration}, {@code StorageConfiguration}). CloudNativePG is written in Go and publishes no Java model, so
 * this one stands in: a field it does not name fails the parse (records, {@code ignoreUnknown = false}); a field we
 * start using must be added here first, after checking its name and type in that reference.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
record CnpgCluster(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Spec(int instances, Postgresql postgresql, Bootstrap bootstrap, Managed managed, Storage storage,
                ResourceRequirements resources) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Postgresql(Synchronous synchronous, Map<String, String> parameters) {
    }

    /** Quorum-based synchronous replication: {@code method} {@code any} or {@code first}, {@code number} of standbys. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    record Synchronous(String method, int number) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Bootstrap(InitDb initdb) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record InitDb(String database, String owner, List<String> postInitApplicationSQL) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Managed(List<Role> roles) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Role(String name, String ensure, boolean login, SecretName passwordSecret) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record SecretName(String name) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    record Storage(String size) {
    }
}
