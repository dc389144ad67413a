package com.maclogin.cutover.orchestrator.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.maclogin.cutover.contracts.Json;
import com.maclogin.cutover.contracts.LeaseRegistration;
import com.maclogin.cutover.contracts.Region;
import com.maclogin.cutover.contracts.Topics;
import com.maclogin.cutover.orchestrator.service.LeaseService;
import com.maclogin.cutover.testing.EmbeddedPostgresResource;
import com.maclogin.cutover.testing.KafkaKraftResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lease registry (issue 11 point 2): every lease create or change is published, through the outbox, to its
 * region's compacted {@code cutover.leases.<region>} on the real broker, keyed by lease id; a lease moved to another
 * region is published to both registries with its new region; the start-up re-publication sends every lease again.
 */
@QuarkusTest
@WithTestResource(value = KafkaKraftResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = EmbeddedPostgresResource.class, scope = TestResourceScope.GLOBAL)
class LeaseRegistryPublishTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static TopicRecorder registry;

    @Inject
    LeaseService leases;

    @BeforeAll
    static void start() {
        Fixtures.authenticate();
        Fixtures.recorder(); // creates the topics
        registry = new TopicRecorder(KafkaKraftResource.bootstrapServers(),
                List.of(Topics.leaseRegistry(Region.HK), Topics.leaseRegistry(Region.JP)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static Map<String, Object> lease(String id, String region, String host) {
        return new HashMap<>(Map.of("id", id, "region", region, "host", host, "sshPort", 22, "sshUser", "openclaw",
                "probeUser", "oc-probe", "hostKey", Fixtures.HOST_KEY, "gatewayPort", 18789, "stage", "STAGING"));
    }

    static List<LeaseRegistration> published(Region region, String leaseId) {
        return registry.on(Topics.leaseRegistry(region)).stream().filter(r -> leaseId.equals(r.key()))
                .map(r -> Json.read(r.value(), LeaseRegistration.class)).toList();
    }

    @Test
    void aRegisteredLeaseIsPublishedToItsRegionsRegistryAndEveryChangeAgainWithTheNewValues() {
        String id = LeaseProbeUserTest.id("hk-reg");
        Map<String, Object> body = lease(id, "HK", "10.0.0.7");
        body.put("tlsEndpoint", "gw-hk.example.com:443");
        given().contentType(ContentType.JSON).body(body).post("/api/v1/leases")
                .then().statusCode(201);
        LeaseRegistration first = await().atMost(WAIT).until(() -> published(Region.HK, id), l -> l.size() == 1).get(0);
        assertThat(first.region()).isEqualTo(Region.HK);
        // the continuous watch reads the certificate of the endpoint VALIDATE's plan would name
        assertThat(first.tlsEndpoint()).isEqualTo("gw-hk.example.com:443");
        assertThat(first.host()).isEqualTo("10.0.0.7");
        assertThat(first.sshPort()).isEqualTo(22);
        assertThat(first.sshUser()).isEqualTo("openclaw");
        assertThat(first.probeUser()).isEqualTo("oc-probe");
        assertThat(first.hostKey()).isEqualTo(Fixtures.HOST_KEY);
        assertThat(first.gatewayPort()).isEqualTo(18789);
        assertThat(first.stage()).isEqualTo("STAGING");
        assertThat(first.updatedAt()).isNotNull();
        assertThat(first.invalid()).isNull();

        given().contentType(ContentType.JSON).body(lease(id, "HK", "10.0.0.8")).post("/api/v1/leases")
                .then().statusCode(200);
        LeaseRegistration changed = await().atMost(WAIT).until(() -> published(Region.HK, id), l -> l.size() == 2).get(1);
        assertThat(changed.host()).isEqualTo("10.0.0.8");
        assertThat(changed.updatedAt()).isAfterOrEqualTo(first.updatedAt());
        assertThat(published(Region.JP, id)).isEmpty();
    }

    @Test
    void aLeaseMovedToAnotherRegionIsPublishedToBothRegistriesWithItsNewRegion() {
        String id = LeaseProbeUserTest.id("hk-move");
        given().contentType(ContentType.JSON).body(lease(id, "HK", "10.0.0.9")).post("/api/v1/leases")
                .then().statusCode(201);
        await().atMost(WAIT).until(() -> published(Region.HK, id), l -> l.size() == 1);
        given().contentType(ContentType.JSON).body(lease(id, "JP", "10.0.0.9")).post("/api/v1/leases")
                .then().statusCode(200);
        // the old region's workers read the move and refuse the lease from then on; the new region's serve it
        LeaseRegistration inOld = await().atMost(WAIT).until(() -> published(Region.HK, id), l -> l.size() == 2).get(1);
        LeaseRegistration inNew = await().atMost(WAIT).until(() -> published(Region.JP, id), l -> l.size() == 1).get(0);
        assertThat(inOld.region()).isEqualTo(Region.JP);
        assertThat(inNew.region()).isEqualTo(Region.JP);
    }

    @Test
    void theStartUpRepublicationSendsEveryLeaseAgainUnchanged() {
        String id = LeaseProbeUserTest.id("hk-again");
        given().contentType(ContentType.JSON).body(lease(id, "HK", "10.0.0.10")).post("/api/v1/leases")
                .then().statusCode(201);
        LeaseRegistration first = await().atMost(WAIT).until(() -> published(Region.HK, id), l -> l.size() == 1).get(0);
        assertThat(leases.republishAll()).isGreaterThanOrEqualTo(1);
        LeaseRegistration again = await().atMost(WAIT).until(() -> published(Region.HK, id), l -> l.size() == 2).get(1);
        assertThat(again.target()).isEqualTo(first.target());
        assertThat(again.updatedAt()).isEqualTo(first.updatedAt());
        assertThat(again.messageId()).isNotEqualTo(first.messageId());
    }
}
