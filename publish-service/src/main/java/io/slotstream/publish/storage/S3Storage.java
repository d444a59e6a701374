package io.slotstream.publish.storage;

import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Files as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, S3Proxy...) under a key prefix, through the AWS
 * SDK v2. Objects are written with {@code Content-Type: application/fhir+ndjson} and
 * {@code Cache-Control: public, max-age=<immutable max-age>, immutable}, so clients downloading straight from the
 * bucket (or a CDN in front of it) get the same caching as from publish-service.
 */
public final class S3Storage implements PublicationStorage {

    /**
     * Connection settings.
     *
     * @param bucket          bucket name (required)
     * @param prefix          key prefix, e.g. {@code slotstream/publication/}; blank = bucket root
     * @param endpoint        endpoint URL for non-AWS servers, e.g. {@code http://minio:9000}; blank = AWS
     * @param region          signing region; blank = {@code us-east-1}
     * @param pathStyle       path-style addressing ({@code <endpoint>/<bucket>/<key>}), needed by most non-AWS servers
     * @param accessKeyId     static credentials; blank = the SDK's default chain (env, profile, instance role)
     * @param secretAccessKey static credentials' secret
     */
    public record Settings(String bucket, String prefix, String endpoint, String region, boolean pathStyle,
                           String accessKeyId, String secretAccessKey) {

        @Override
        public String toString() {
            return "Settings[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
                    + ", pathStyle=" + pathStyle + ", accessKeyId=" + (blank(accessKeyId) ? "" : "***") + "]";
        }
    }

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final String cacheControl;
    private final String description;

    /**
     * @param immutableMaxAge {@code max-age} written on every object
     * @throws IllegalArgumentException when the bucket is blank or the endpoint is not a URL
     */
    public S3Storage(Settings settings, Duration immutableMaxAge) {
        if (blank(settings.bucket())) {
            throw new IllegalArgumentException("slotstream.publish.storage.s3.bucket is required for S3 storage");
        }
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(blank(settings.region()) ? "us-east-1" : settings.region()))
                .forcePathStyle(settings.pathStyle());
        if (!blank(settings.endpoint())) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        builder.credentialsProvider(blank(settings.accessKeyId()) ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())));
        this.s3 = builder.build();
        this.bucket = settings.bucket();
        String p = blank(settings.prefix()) ? "" : settings.prefix();
        this.prefix = p.isEmpty() || p.endsWith("/") ? p : p + "/";
        this.cacheControl = "public, max-age=" + immutableMaxAge.toSeconds() + ", immutable";
        this.description = "s3://" + bucket + "/" + prefix + (blank(settings.endpoint()) ? "" : " at " + settings.endpoint());
    }

    @Override
    public void put(String name, Path file) throws IOException {
        try {
            s3.putObject(b -> b.bucket(bucket).key(prefix + name).contentType("application/fhir+ndjson")
                    .cacheControl(cacheControl), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new IOException("cannot upload " + name + " to " + description + ": " + e.getMessage(), e);
        }
        Files.deleteIfExists(file);
    }

    @Override
    public boolean exists(String name) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(prefix + name));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("cannot check " + name + " in " + description + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException("cannot check " + name + " in " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Resource> open(String name) throws IOException {
        try {
            ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(prefix + name));
            long length = in.response().contentLength();
            return Optional.of(new InputStreamResource(in, name) {
                @Override
                public long contentLength() {
                    return length;
                }

                @Override
                public InputStream getInputStream() {
                    return in;
                }
            });
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException("cannot read " + name + " from " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(prefix + name));
        } catch (SdkException e) {
            throw new IOException("cannot delete " + name + " from " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list() throws IOException {
        try {
            List<String> names = new ArrayList<>();
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                String name = object.key().substring(prefix.length());
                if (!name.isEmpty() && !name.contains("/")) {
                    names.add(name);
                }
            }
            return names;
        } catch (SdkException e) {
            throw new IOException("cannot list " + description + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        s3.close();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
