package io.omniforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests the build generates (package phase, so this runs as a failsafe IT): the default one is the
 * SQLite variant (one replica, Recreate, a claim mounted where the SQLite file is, probes on the health endpoints),
 * and the PostgreSQL overlay, applied here the way kustomize applies it, runs several replicas with no volume.
 */
class KubernetesManifestIT {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Path GENERATED = Path.of("target", "kubernetes", "kubernetes.yml");
    private static final Path OVERLAY = Path.of("target", "kubernetes", "postgresql");

    @Test
    void sqliteVariantIsOneReplicaWithItsVolume() throws IOException {
        List<JsonNode> resources = read(GENERATED);
        JsonNode deployment = only(resources, "Deployment");
        assertEquals(1, deployment.path("spec").path("replicas").asInt(), deployment.toString());
        assertEquals("Recreate", deployment.path("spec").path("strategy").path("type").asText());

        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/q/health/started", container.path("startupProbe").path("httpGet").path("path").asText());
        assertTrue(container.path("resources").path("requests").has("memory"), container.toString());
        assertTrue(container.path("resources").path("limits").has("memory"), container.toString());

        JsonNode mount = container.path("volumeMounts").get(0);
        assertEquals("/deployments/data", mount.path("mountPath").asText());
        JsonNode volume = find(pod.path("volumes"), "name", mount.path("name").asText());
        String claim = volume.path("persistentVolumeClaim").path("claimName").asText();
        assertEquals("omniforge-data", claim);
        JsonNode pvc = only(resources, "PersistentVolumeClaim");
        assertEquals(claim, pvc.path("metadata").path("name").asText());
        assertEquals("ReadWriteOnce", pvc.path("spec").path("accessModes").get(0).asText());

        JsonNode file = find(container.path("env"), "name", "OMNIFORGE_STORE_SQLITE_FILE");
        assertTrue(file.path("value").asText().startsWith("/deployments/data/"), file.toString());
        assertEquals("omniforge-config", find(container.path("envFrom"), "configMapRef").path("configMapRef").path("name").asText());
        assertEquals("omniforge-secrets", find(container.path("envFrom"), "secretRef").path("secretRef").path("name").asText());
        assertEquals("omniforge-config", only(resources, "ConfigMap").path("metadata").path("name").asText());
        assertTrue(resources.stream().noneMatch(r -> r.path("kind").asText().equals("Job")),
                "no Flyway init Job: the service migrates its own store at start-up");

        // An upgrade applies the next version's manifest over this one: a Deployment's selector cannot change, so
        // neither it nor the Service's may name the version; the pods still carry it as a label.
        JsonNode selector = deployment.path("spec").path("selector").path("matchLabels");
        assertEquals("omniforge-orchestrator", selector.path("app.kubernetes.io/name").asText(), selector.toString());
        assertFalse(selector.has("app.kubernetes.io/version"), selector.toString());
        assertFalse(only(resources, "Service").path("spec").path("selector").has("app.kubernetes.io/version"));
        assertTrue(deployment.path("spec").path("template").path("metadata").path("labels")
                .has("app.kubernetes.io/version"), "the pods are labelled with the version they run");
    }

    @Test
    void postgresqlVariantRunsSeveralReplicasWithoutAVolume() throws IOException {
        JsonNode kustomization = YAML.readTree(OVERLAY.resolve("kustomization.yaml").toFile());
        assertEquals("kubernetes.yml", kustomization.path("resources").get(0).asText());
        List<JsonNode> resources = read(OVERLAY.resolve("kubernetes.yml"));
        assertEquals(read(GENERATED), resources, "the overlay's base is the generated manifest");

        ObjectNode deployment = (ObjectNode) only(resources, "Deployment").deepCopy();
        JsonNode patch = YAML.readTree(patchFor(kustomization, "Deployment").path("patch").asText());
        for (JsonNode op : patch) {
            apply(deployment, op);
        }
        assertTrue(deployment.path("spec").path("replicas").asInt() > 1, deployment.toString());
        assertEquals("RollingUpdate", deployment.path("spec").path("strategy").path("type").asText());
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertFalse(pod.has("volumes"), pod.toString());
        JsonNode container = pod.path("containers").get(0);
        assertFalse(container.has("volumeMounts"), container.toString());
        container.path("env").forEach(e -> assertFalse(e.path("name").asText().startsWith("OMNIFORGE_STORE_SQLITE"), e.toString()));
        assertEquals("omniforge-secrets", find(container.path("envFrom"), "secretRef").path("secretRef").path("name").asText(),
                "the datasource comes from the Secret");
        assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());

        JsonNode pvcPatch = YAML.readTree(patchFor(kustomization, "PersistentVolumeClaim").path("patch").asText());
        assertEquals("delete", pvcPatch.path("$patch").asText(), "the claim is dropped");
    }

    private static List<JsonNode> read(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " is generated by the package phase");
        List<JsonNode> out = new ArrayList<>();
        try (var docs = YAML.readValues(YAML.getFactory().createParser(file.toFile()), JsonNode.class)) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    private static JsonNode only(List<JsonNode> resources, String kind) {
        List<JsonNode> found = resources.stream().filter(r -> r.path("kind").asText().equals(kind)).toList();
        assertEquals(1, found.size(), "one " + kind + " in " + resources);
        return found.get(0);
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no " + field + "=" + value + " in " + array);
    }

    private static JsonNode find(JsonNode array, String field) {
        for (JsonNode n : array) {
            if (n.has(field)) {
                return n;
            }
        }
        throw new AssertionError("no " + field + " in " + array);
    }

    private static JsonNode patchFor(JsonNode kustomization, String kind) {
        for (JsonNode p : kustomization.path("patches")) {
            if (p.path("target").path("kind").asText().equals(kind)) {
                return p;
            }
        }
        throw new AssertionError("no patch for " + kind + " in " + kustomization);
    }

    /** The two JSON Patch (RFC 6902) operations the overlay uses; the path must exist, as kustomize requires. */
    private static void apply(ObjectNode root, JsonNode op) {
        String[] path = op.path("path").asText().substring(1).split("/");
        JsonNode parent = root;
        for (int i = 0; i < path.length - 1; i++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(path[i])) : parent.get(path[i]);
            assertTrue(parent != null, "path " + op.path("path").asText() + " exists in the generated Deployment");
        }
        String last = path[path.length - 1];
        assertTrue(parent.isObject() && parent.has(last), "path " + op.path("path").asText() + " exists in the generated Deployment");
        switch (op.path("op").asText()) {
            case "replace" -> ((ObjectNode) parent).set(last, op.path("value"));
            case "remove" -> ((ObjectNode) parent).remove(last);
            default -> throw new AssertionError("unexpected op " + op);
        }
    }
}
