import { ConsumerGroup, DEFAULT_GROUP_SETTINGS, type CommittedOffset, type GroupSettings } from './consumer-group';

const SESSION_CHECK_INTERVAL_MS = 100;

/** Owns every consumer group and their committed offsets, and expires silent members. */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly sessionCheck: NodeJS.Timeout;

  constructor(
    private readonly log: (message: string) => void,
    private readonly settings: GroupSettings = DEFAULT_GROUP_SETTINGS,
  ) {
    this.sessionCheck = setInterval(() => this.expireSessions(), SESSION_CHECK_INTERVAL_MS);
    this.sessionCheck.unref();
  }

  /** The group, created Empty on first use as Kafka does for JoinGroup and OffsetCommit. */
  group(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new ConsumerGroup(groupId, this.log, this.settings);
      this.groups.set(groupId, group);
    }
    return group;
  }

  existingGroup(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  commit(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    const group = this.group(groupId);
    let partitions = group.committed.get(topic);
    if (!partitions) {
      partitions = new Map();
      group.committed.set(topic, partitions);
    }
    partitions.set(partition, committed);
  }

  committedOffset(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.committed.get(topic)?.get(partition);
  }

  connectionClosed(connectionId: number): void {
    this.groups.forEach((group) => group.abandonRequestsOf(connectionId));
  }

  stop(): void {
    clearInterval(this.sessionCheck);
    this.groups.forEach((group) => group.stop());
  }

  private expireSessions(): void {
    const now = Date.now();
    this.groups.forEach((group) => group.expireSessions(now));
  }
}
