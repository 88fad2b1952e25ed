/** Identifier patterns and enums from the models (aws-api.md §2, §3). */
export const WORKSPACE_ID = /^ws-[0-9a-z]{8,63}$/;
export const APPLICATION_ID = /^wsa-[0-9a-z]{8,63}$/;
// The models write DIRECTORY_ID and OWNER as `^a$|b` / `^a|b$`, which anchor only one alternative;
// the sandbox anchors both (the stricter reading: `xd-0123456789` is no directory id).
export const DIRECTORY_ID = /^(d-[0-9a-f]{8,63}|wsd-[0-9a-z]{8,63})$/;
export const BUNDLE_ID = /^wsb-[0-9a-z]{8,63}$/;
export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-[a-z]+){1,2}-[0-9]$/;
export const OWNER = /^(\d{12}|AMAZON)$/;
export const WORKSPACE_NAME = /^[a-zA-Z0-9_()][a-zA-Z0-9_.()-]{1,63}$/;

/** WorkSpaces tags: ≤ 50 per resource, Key 1..127, Value ≤ 255 (workspaces-model.json Tag). */
export const WORKSPACES_TAGS = { maxTags: 50, maxKey: 127, maxValue: 255 };

/** Connect TagMap: ≤ 50 entries; TagKey 1..128 of this pattern (no `aws:` prefix), TagValue ≤ 256. */
export const CONNECT_TAGS = { maxTags: 50, maxKey: 128, maxValue: 256, keyPattern: /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u };

export const OPERATING_SYSTEMS = [
  'AMAZON_LINUX_2', 'UBUNTU_18_04', 'UBUNTU_20_04', 'UBUNTU_22_04', 'UNKNOWN', 'WINDOWS_10', 'WINDOWS_11',
  'WINDOWS_7', 'WINDOWS_SERVER_2016', 'WINDOWS_SERVER_2019', 'WINDOWS_SERVER_2022', 'WINDOWS_SERVER_2025',
  'RHEL_8', 'ROCKY_8',
] as const;

export const COMPUTE_TYPES = [
  'VALUE', 'STANDARD', 'PERFORMANCE', 'POWER', 'GRAPHICS', 'POWERPRO', 'GENERALPURPOSE_4XLARGE',
  'GENERALPURPOSE_8XLARGE', 'GRAPHICSPRO', 'GRAPHICS_G4DN', 'GRAPHICSPRO_G4DN', 'GRAPHICS_G6_XLARGE',
  'GRAPHICS_G6_2XLARGE', 'GRAPHICS_G6_4XLARGE', 'GRAPHICS_G6_8XLARGE', 'GRAPHICS_G6_16XLARGE',
  'GRAPHICS_GR6_4XLARGE', 'GRAPHICS_GR6_8XLARGE', 'GRAPHICS_G6F_LARGE', 'GRAPHICS_G6F_XLARGE',
  'GRAPHICS_G6F_2XLARGE', 'GRAPHICS_G6F_4XLARGE', 'GRAPHICS_GR6F_4XLARGE',
] as const;

export const WORKSPACE_STATES = [
  'PENDING', 'AVAILABLE', 'IMPAIRED', 'UNHEALTHY', 'REBOOTING', 'STARTING', 'REBUILDING', 'RESTORING',
  'MAINTENANCE', 'ADMIN_MAINTENANCE', 'TERMINATING', 'TERMINATED', 'SUSPENDED', 'UPDATING', 'STOPPING',
  'STOPPED', 'ERROR',
] as const;

export const DEFAULT_APP_OPERATING_SYSTEMS = ['WINDOWS_10', 'WINDOWS_11', 'WINDOWS_SERVER_2019', 'WINDOWS_SERVER_2022'];
