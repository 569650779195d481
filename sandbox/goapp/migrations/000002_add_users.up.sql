CREATE TABLE users (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL UNIQUE,
  -- a comment with a ; semicolon inside
  name VARCHAR(100) NOT NULL DEFAULT ''
);
ALTER TABLE todos ADD COLUMN user_id BIGINT NULL;
